/** Strict parsing of identifiers, numbers, dates and keys (issue 19, point 6). */
import { describe, expect, it } from "vitest";
import { closestKey, foldKey, parseDate, parseId, parseKey, parseWholeNumber } from "../../src/core/strict-parse.ts";
import { parseCommitmentNumber } from "../../src/core/commitment-commands.ts";

describe("parseId", () => {
  it("accepts plain decimal digits from 1", () => {
    expect(parseId("4")).toEqual({ ok: true, value: 4 });
    expect(parseId("123456789012345")).toEqual({ ok: true, value: 123456789012345 });
  });

  it.each([
    ["0x4", "not_whole_number"],
    ["4.0", "not_whole_number"],
    ["+4", "not_whole_number"],
    ["4e0", "not_whole_number"],
    [" 4", "not_whole_number"],
    ["4 ", "not_whole_number"],
    ["٤", "not_whole_number"],
    ["1234567890123456", "not_whole_number"],
    ["-4", "negative"],
    ["0", "not_positive"],
    ["", "empty"],
  ])("refuses %j (%s), which Number() would read as a number or zero", (text, error) => {
    expect(parseId(text)).toMatchObject({ ok: false, error });
  });
});

describe("parseWholeNumber", () => {
  const hours = { min: 1, max: 720 };
  it("accepts whole numbers in range and says which bound a value breaks", () => {
    expect(parseWholeNumber("48", hours)).toEqual({ ok: true, value: 48 });
    expect(parseWholeNumber("720", hours)).toEqual({ ok: true, value: 720 });
    expect(parseWholeNumber("721", hours)).toMatchObject({ ok: false, error: "out_of_range", min: 1, max: 720 });
    expect(parseWholeNumber("0", hours)).toMatchObject({ ok: false, error: "out_of_range" });
  });

  it("refuses fractions, exponents, hexadecimal and negatives where the range has none", () => {
    expect(parseWholeNumber("0.0005", hours)).toMatchObject({ ok: false, error: "not_whole_number" });
    expect(parseWholeNumber("1,5", hours)).toMatchObject({ ok: false, error: "not_whole_number" });
    expect(parseWholeNumber("1e3", hours)).toMatchObject({ ok: false, error: "not_number" });
    expect(parseWholeNumber("0x10", hours)).toMatchObject({ ok: false, error: "not_number" });
    expect(parseWholeNumber("-5", { min: 0, max: 365 })).toMatchObject({ ok: false, error: "negative" });
    expect(parseWholeNumber("-5", { min: -10, max: 10 })).toEqual({ ok: true, value: -5 });
  });
});

describe("parseDate and keys", () => {
  it("accepts only existing dates", () => {
    expect(parseDate("2026-02-28")).toEqual({ ok: true, value: "2026-02-28" });
    expect(parseDate("2026-02-30")).toMatchObject({ ok: false, error: "not_date" });
    expect(parseDate("28/02/2026")).toMatchObject({ ok: false, error: "not_date" });
  });

  it("refuses a near-miss key and names the closest valid one", () => {
    const offices = ["educacion", "infraestructura", "salud", "hacienda"];
    expect(parseKey("salud", offices)).toEqual({ ok: true, value: "salud" });
    expect(parseKey("educación", offices)).toEqual({ ok: false, error: "unknown_key", suggestion: "educacion" });
    expect(parseKey("infraestructuras", offices)).toEqual({
      ok: false,
      error: "unknown_key",
      suggestion: "infraestructura",
    });
    expect(parseKey("Salud", offices)).toEqual({ ok: false, error: "unknown_key", suggestion: "salud" });
    expect(parseKey("bomberos", offices)).toEqual({ ok: false, error: "unknown_key" });
    expect(closestKey("jsn", ["json", "out", "force"])).toBe("json");
    expect(foldKey(" Educación ")).toBe("educacion");
  });

  it("is what the chat's commitment commands use for numbers", () => {
    expect(parseCommitmentNumber("#12")).toBe(12);
    expect(parseCommitmentNumber("C-12")).toBe(12);
    expect(parseCommitmentNumber("0x4")).toBeUndefined();
    expect(parseCommitmentNumber("0")).toBeUndefined();
    expect(parseCommitmentNumber("1.5")).toBeUndefined();
  });
});
