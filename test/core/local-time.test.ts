/**
 * Dates and times shown to staff (issue 12, point 2): the profile's zone, readable words, ISO 8601
 * with the offset; across Bogotá's date boundary (UTC 04:59 is still the day before) and in a zone
 * with daylight saving time.
 */
import { describe, expect, it } from "vitest";
import {
  formatDateTime,
  formatIsoOffset,
  formatShortDate,
  formatSpreadsheetDateTime,
  parseDateTime,
} from "../../src/core/local-time.ts";

const BOGOTA = "America/Bogota";
const at = (iso: string) => Date.parse(iso);

describe("local time for staff", () => {
  it("writes a Bogotá instant in Spanish and English words", () => {
    expect(formatDateTime(at("2026-12-10T19:00:00Z"), BOGOTA, "es")).toBe("jue 10 dic 2026 14:00");
    expect(formatDateTime(at("2026-12-10T19:00:00Z"), BOGOTA, "en")).toBe("Thu 10 Dec 2026 14:00");
    expect(formatShortDate("2026-12-09", "es")).toBe("mié 9 dic 2026");
    expect(formatShortDate("2026-09-06", "es")).toBe("dom 6 sep 2026");
  });

  it("puts UTC 04:59 on the previous local day and 05:00 on the same day (UTC−5, no DST)", () => {
    expect(formatDateTime(at("2026-12-10T04:59:00Z"), BOGOTA, "es")).toBe("mié 9 dic 2026 23:59");
    expect(formatDateTime(at("2026-12-10T05:00:00Z"), BOGOTA, "es")).toBe("jue 10 dic 2026 00:00");
    expect(formatIsoOffset(at("2026-12-10T04:59:00Z"), BOGOTA)).toBe("2026-12-09T23:59:00-05:00");
    expect(formatIsoOffset(at("2026-12-10T05:00:00Z"), BOGOTA)).toBe("2026-12-10T00:00:00-05:00");
    // Bogotá has no daylight saving time: the offset is the same in June and December.
    expect(formatIsoOffset(at("2026-06-15T12:00:00Z"), BOGOTA)).toBe("2026-06-15T07:00:00-05:00");
    // A year boundary.
    expect(formatIsoOffset(at("2027-01-01T04:59:59.999Z"), BOGOTA)).toBe("2026-12-31T23:59:59-05:00");
  });

  it("follows a zone's daylight saving time and never prints Z", () => {
    expect(formatIsoOffset(at("2026-07-01T16:00:00Z"), "America/New_York")).toBe("2026-07-01T12:00:00-04:00");
    expect(formatIsoOffset(at("2026-12-01T17:00:00Z"), "America/New_York")).toBe("2026-12-01T12:00:00-05:00");
    expect(formatIsoOffset(at("2026-12-01T17:00:00Z"), "UTC")).toBe("2026-12-01T17:00:00+00:00");
    expect(formatIsoOffset(at("2026-12-01T17:00:00Z"), "Asia/Kolkata")).toBe("2026-12-01T22:30:00+05:30");
  });

  it("reads back what it writes for spreadsheets, and ISO with an offset", () => {
    const ms = at("2026-03-02T14:05:09Z");
    expect(formatSpreadsheetDateTime(ms, BOGOTA)).toBe("2026-03-02 09:05:09");
    expect(parseDateTime("2026-03-02 09:05:09", BOGOTA)).toBe(ms);
    expect(parseDateTime("2026-03-02 09:05", BOGOTA)).toBe(ms - 9000);
    expect(parseDateTime("2026-03-02T09:05:09-05:00", BOGOTA)).toBe(ms);
    expect(parseDateTime("2026-03-02T14:05:09.000Z", BOGOTA)).toBe(ms);
    expect(parseDateTime("2026-02-30 09:00", BOGOTA)).toBeUndefined();
    expect(parseDateTime("02/03/2026 9:05", BOGOTA)).toBeUndefined();
  });
});
