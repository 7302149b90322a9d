/**
 * Shows the operator how to link the bot's number: a QR code drawn in the terminal, or an
 * 8-character code to type on the phone when WHATSAPP_PHONE is set. Texts come from
 * locales/<lang>/whatsapp.json.
 */
import type { Writable } from "node:stream";
import qrcodeTerminal from "qrcode-terminal";

export type PairingEvent =
  /**
   * A new QR to scan, valid for `validForMs` (Baileys' defaults: 60 s for a connection's first QR,
   * 20 s for each one replacing it).
   */
  | { kind: "qr"; qr: string; validForMs: number }
  /** The code to type on the phone: WhatsApp → Linked devices → Link with phone number. */
  | { kind: "code"; code: string }
  /** The phone unlinked the bot: the stored session was deleted and a new pairing starts. */
  | { kind: "logged_out" };

/** "ABCD1234" → "ABCD-1234", as the phone shows it. */
export function formatPairingCode(code: string): string {
  return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

/** Renders `qr` as terminal text (half-block characters, fits an 80-column terminal). */
export function renderQr(qr: string): string {
  let rendered = "";
  qrcodeTerminal.generate(qr, { small: true }, (text) => (rendered = text));
  return rendered;
}

/** A pairing printer for the adapter's `onPairing`, writing to `output` in the operator's language. */
export function createTerminalPairingPrinter(options: {
  output: Writable;
  t: (key: string, vars?: Record<string, unknown>) => string;
}) {
  const { output, t } = options;
  return (event: PairingEvent): void => {
    switch (event.kind) {
      case "qr":
        output.write(`\n${t("whatsapp.pairing.qr")}\n\n${renderQr(event.qr)}\n`);
        return;
      case "code":
        output.write(`\n${t("whatsapp.pairing.code", { code: formatPairingCode(event.code) })}\n\n`);
        return;
      case "logged_out":
        output.write(`\n${t("whatsapp.pairing.logged_out")}\n\n`);
        return;
    }
  };
}
