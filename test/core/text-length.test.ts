/** Issue 19.7: lengths are what a person sees (grapheme clusters), not UTF-16 code units. */
import { describe, expect, it } from "vitest";
import { isLongerThan, MAX_CITIZEN_TEXT_LENGTH, textLength, truncateText } from "../../src/core/text-length.ts";

describe("textLength", () => {
  it.each([
    ["hola", 4],
    ["", 0],
    ["Pavimentación", 13],
    ["Pavimentacio\u0301n", 13], // the accent typed as a combining mark
    ["👍", 1],
    ["👍🏽", 1], // with a skin tone
    ["❤️", 1], // with a variation selector
    ["🇨🇴", 1], // a flag: two regional indicators
    ["👨‍👩‍👧", 1], // a family: three people joined by ZWJ
    ["Hola 👋🏾 ¿cómo van las obras? 🚧", 29],
  ])("%s → %i", (text, expected) => {
    expect(textLength(text)).toBe(expected);
  });

  it("counts 2,000 emoji as 2,000 characters (String#length says 8,000)", () => {
    const emoji = "👍🏽".repeat(2000);
    expect(emoji.length).toBe(8000);
    expect(textLength(emoji)).toBe(2000);
    expect(isLongerThan(emoji, MAX_CITIZEN_TEXT_LENGTH)).toBe(false);
    expect(isLongerThan("a".repeat(3001), 3000)).toBe(true);
    expect(isLongerThan("a".repeat(3000), 3000)).toBe(false);
  });

  it("counts Latin-1 and Latin Extended letters (the unsegmented fast path) as Intl.Segmenter does", () => {
    const graphemes = (text: string) =>
      [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text)].length;
    const latin = Array.from({ length: 0x300 - 0xa0 }, (_, i) => String.fromCharCode(0xa0 + i)).join("");
    expect(textLength(latin)).toBe(graphemes(latin));
    const spanish = "¿Cuándo arreglan el andén de la señora Núñez? Pingüino, año, ¡ya!\nGracias";
    expect(textLength(spanish)).toBe(graphemes(spanish));
    // Just past the range: a combining accent joins the letter before it.
    expect(textLength("n\u0303a\u0301")).toBe(2);
  });

  it("truncates without splitting an emoji", () => {
    expect(truncateText("🇨🇴🇨🇴🇨🇴🇨🇴", 3)).toBe("🇨🇴🇨🇴…");
    expect(truncateText("corto", 10)).toBe("corto");
  });
});
