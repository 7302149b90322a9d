// Types for qrcode-terminal 0.12 (the package ships none): render a QR code as terminal text.
declare module "qrcode-terminal" {
  interface QrcodeTerminal {
    generate(input: string, options: { small?: boolean }, callback: (rendered: string) => void): void;
  }
  const qrcodeTerminal: QrcodeTerminal;
  export default qrcodeTerminal;
}
