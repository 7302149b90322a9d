/** Radicados: `RC-<year>-<6 digits>`, unique and sequential per year, never reused. */

export const REFERENCE_PREFIX = "RC";

export function formatReference(year: number, sequence: number): string {
  return `${REFERENCE_PREFIX}-${year}-${String(sequence).padStart(6, "0")}`;
}

/**
 * Reads a radicado as citizens type it ("rc-2026-123", "RC 2026 000123", "2026-000123") and
 * returns its canonical form, or undefined when the text is not a radicado at all.
 */
export function parseReference(input: string): string | undefined {
  const match = /^\s*(?:rc)?[\s\-_.:#]*(\d{4})[\s\-_.:/]+(\d{1,6})\s*$/i.exec(input);
  if (!match) return undefined;
  const year = Number(match[1]);
  const sequence = Number(match[2]);
  if (year < 2000 || year > 2999 || sequence < 1) return undefined;
  return formatReference(year, sequence);
}
