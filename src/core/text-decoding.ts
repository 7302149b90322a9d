/**
 * The text of a file a person saved from a spreadsheet. Excel in Spanish saves "CSV (delimitado
 * por comas)" in Windows-1252 (Latin-1 plus a few signs), "CSV UTF-8" with a byte-order mark:
 * both must read the same, or «Información» arrives as «Informaci�n» and matches nothing.
 */

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Windows-1252's bytes 0x80–0x9F (€, ‚, „, …, curly quotes, dashes, ™…); 0 where the code page
 * leaves a byte undefined (kept as the C1 control of the same number, as WHATWG does). Written
 * out because Node's `TextDecoder("windows-1252")` decodes these bytes as Latin-1 controls.
 */
const C1 = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0,
  0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) {
    const mapped = byte >= 0x80 && byte <= 0x9f ? C1[byte - 0x80] || byte : byte;
    text += String.fromCharCode(mapped);
  }
  return text;
}

/** UTF-8 when the bytes are valid UTF-8 (a BOM removed), else Windows-1252. Never throws. */
export function decodeSpreadsheetText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = decodeWindows1252(bytes);
  }
  return text.replace(/^\uFEFF/, "");
}
