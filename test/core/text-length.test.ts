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

  it("truncates without splitting an emoji", () => {
    expect(truncateText("🇨🇴🇨🇴🇨🇴🇨🇴", 3)).toBe("🇨🇴🇨🇴…");
    expect(truncateText("corto", 10)).toBe("corto");
  });
});
