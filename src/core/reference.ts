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

/** A radicado inside other text; the "RC" is required there, so dates and amounts are not taken for one. */
const REFERENCE_IN_TEXT = /(?<![\p{L}\p{N}])rc[\s\-_.:#]*(\d{4})[\s\-_.:/]+(\d{1,6})(?!\p{N})/giu;

/** Words around a radicado that still make a message a question about that radicado (see `referenceRequest`). */
const MAX_WORDS_AROUND_REFERENCE = 4;

/**
 * The radicado a text holds, canonical: the whole text as `parseReference` reads it, or else the one
 * "RC-…" written inside it ("estado RC-2026-000001", "¿cómo va el rc-2026-1?"). Undefined when there
 * is none, or more than one different radicado (the citizen must say which).
 */
export function findReference(text: string): string | undefined {
  const whole = parseReference(text);
  if (whole) return whole;
  const found = new Set(referencesIn(text).map((m) => m.reference));
  return found.size === 1 ? [...found][0] : undefined;
}

/**
 * The radicado a citizen asks about when they write one at the main menu, or undefined when the
 * message is something else. The rule: the message holds exactly one radicado and at most
 * `MAX_WORDS_AROUND_REFERENCE` (4) other words — "RC-2026-000001", "rc-2026-1", "estado RC-2026-000001",
 * "¿cómo va el RC-2026-000001?", "estado de mi radicado RC-…". A longer text that mentions one
 * ("quiero agregar información a mi pregunta RC-… porque …") is a question or the information an
 * office asked for, and goes on as free text (ask.from_text, which offers info_reply).
 */
export function referenceRequest(text: string): string | undefined {
  const whole = parseReference(text);
  if (whole) return whole;
  const matches = referencesIn(text);
  if (matches.length !== 1) return undefined;
  const { index, length, reference } = matches[0]!;
  const rest = `${text.slice(0, index)} ${text.slice(index + length)}`;
  const words = rest.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return words.length <= MAX_WORDS_AROUND_REFERENCE ? reference : undefined;
}

function referencesIn(text: string): { index: number; length: number; reference: string }[] {
  const found: { index: number; length: number; reference: string }[] = [];
  for (const match of text.matchAll(REFERENCE_IN_TEXT)) {
    const year = Number(match[1]);
    const sequence = Number(match[2]);
    if (year < 2000 || year > 2999 || sequence < 1) continue;
    found.push({ index: match.index, length: match[0].length, reference: formatReference(year, sequence) });
  }
  return found;
}
