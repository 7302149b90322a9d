import { describe, expect, it } from "vitest";
import { decodeSpreadsheetText } from "../../src/core/text-decoding.ts";

describe("the text of a file saved from a spreadsheet", () => {
  const text = "Subcomponente;Información;Diálogo;Año;Niño;€ 15.000";

  it("reads UTF-8, with or without a byte-order mark", () => {
    expect(decodeSpreadsheetText(Buffer.from(text, "utf8"))).toBe(text);
    expect(decodeSpreadsheetText(Buffer.from(`\uFEFF${text}`, "utf8"))).toBe(text);
  });

  it("reads Windows-1252, as Excel in Spanish saves «CSV (delimitado por comas)»", () => {
    // "Información" in Windows-1252: ó is the single byte 0xF3, € is 0x80.
    const latin = Buffer.from([
      ...Buffer.from("Informaci", "latin1"),
      0xf3,
      ...Buffer.from("n;Di", "latin1"),
      0xe1,
      ...Buffer.from("logo;", "latin1"),
      0x80,
      ...Buffer.from(" 15.000", "latin1"),
    ]);
    expect(decodeSpreadsheetText(latin)).toBe("Información;Diálogo;€ 15.000");
  });

  it("reads Windows-1252's own signs (quotes, dashes), not Latin-1 controls", () => {
    expect(decodeSpreadsheetText(Buffer.from([0x93, 0x50, 0x61, 0x73, 0x74, 0x6f, 0x94, 0x20, 0x96, 0x20, 0xd1]))).toBe(
      "“Pasto” – Ñ",
    );
  });
});
