import { describe, expect, it } from "vitest";
import { foldIcsLines } from "../../src/core/ics-fold.ts";

const octets = (s: string) => new TextEncoder().encode(s).length;

describe("iCalendar folding by octets (RFC 5545, 3.1)", () => {
  it("folds lines of accented text at 75 octets without splitting a character, and unfolds to the same text", () => {
    const long = `DESCRIPTION:${"Audiencia pública de rendición de cuentas en el corregimiento ñ ".repeat(4)}`;
    // The ics package's fold: 75 characters, tab continuation (76+ octets with accents).
    const input = `BEGIN:VEVENT\r\n${long.slice(0, 75)}\r\n\t${long.slice(75)}\r\nEND:VEVENT\r\n`;
    const folded = foldIcsLines(input);
    const lines = folded.split("\r\n");
    for (const line of lines) expect(octets(line), line).toBeLessThanOrEqual(75);
    expect(lines.slice(2, -2).every((l) => l.startsWith(" "))).toBe(true);
    expect(folded.replace(/\r\n /g, "")).toBe(`BEGIN:VEVENT\r\n${long}\r\nEND:VEVENT\r\n`);
    expect(folded).not.toContain("\uFFFD");
  });
  it("leaves short lines alone", () => {
    expect(foldIcsLines("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")).toBe("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
  });
});
