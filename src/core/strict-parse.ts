/**
 * Strict parsing of what staff type: identifiers, whole numbers, dates, keys. One module for the
 * CLI, the chat's staff commands and the web forms (issue 19, point 6): `Number()` reads `0x4` as 4,
 * `1e3` as 1000, `" 7 "` as 7 and `0.0005` as a valid count of hours; these helpers accept plain
 * decimal digits only, and say why a value was refused (a value, never an exception).
 * Pure: no I/O, no clock.
 */
import { distance } from "fastest-levenshtein";
import { isLocalDate, type LocalDate } from "./calendar/index.ts";

/** Why a value was refused; each maps to a locale key `parse.<code>` in `locales/<lang>/cli.json`. */
export type ParseErrorCode =
  | "empty"
  | "not_whole_number"
  | "negative"
  | "not_positive"
  | "out_of_range"
  | "not_number"
  | "not_date"
  | "unknown_key";

export type Parsed<T> =
  { ok: true; value: T } | { ok: false; error: ParseErrorCode; min?: number; max?: number; suggestion?: string };

const DIGITS = /^[0-9]{1,15}$/;
const SIGNED_DIGITS = /^-?[0-9]{1,15}$/;
const DECIMAL = /^-?[0-9]{1,15}(?:[.,][0-9]{1,6})?$/;

/**
 * A record identifier (official, event, announcement, run): decimal digits only, ≥ 1, at most 15
 * digits. `0x4`, `4.0`, `+4`, `4e0`, ` 4`, `٤` and `0` are refused.
 */
export function parseId(text: string): Parsed<number> {
  if (text === "") return { ok: false, error: "empty" };
  if (!DIGITS.test(text)) return { ok: false, error: SIGNED_DIGITS.test(text) ? "negative" : "not_whole_number" };
  const value = Number(text);
  return value >= 1 ? { ok: true, value } : { ok: false, error: "not_positive" };
}

/**
 * A whole number between `min` and `max` inclusive, written in decimal digits (a leading `-` only
 * when `min` is negative). `0.0005`, `1e3`, `0x10` and `12abc` are refused.
 */
export function parseWholeNumber(text: string, range: { min: number; max: number }): Parsed<number> {
  const { min, max } = range;
  if (text === "") return { ok: false, error: "empty" };
  if (!SIGNED_DIGITS.test(text))
    return { ok: false, error: DECIMAL.test(text) ? "not_whole_number" : "not_number", min, max };
  const value = Number(text);
  if (value < 0 && min >= 0) return { ok: false, error: "negative", min, max };
  if (value < min || value > max) return { ok: false, error: "out_of_range", min, max };
  return { ok: true, value };
}

/** A calendar date `YYYY-MM-DD` that exists (`2026-02-30` is refused). */
export function parseDate(text: string): Parsed<LocalDate> {
  if (text === "") return { ok: false, error: "empty" };
  return isLocalDate(text) ? { ok: true, value: text } : { ok: false, error: "not_date" };
}

/** Lowercase without accents: `Educación` → `educacion`, for comparing keys as people type them. */
export function foldKey(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .trim();
}

/**
 * The candidate closest to `text` (accents and case ignored, then a small edit distance or a
 * prefix), or undefined when none is close enough to be a likely typo. `educación` → `educacion`,
 * `infraestructuras` → `infraestructura`.
 */
export function closestKey(text: string, candidates: readonly string[]): string | undefined {
  const wanted = foldKey(text);
  if (!wanted) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const folded = foldKey(candidate);
    const d =
      folded === wanted
        ? 0
        : folded.startsWith(wanted) || wanted.startsWith(folded)
          ? Math.abs(folded.length - wanted.length) * 0.5
          : distance(folded, wanted);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  const tolerance = Math.max(2, Math.floor(wanted.length / 3));
  return bestDistance <= tolerance ? best : undefined;
}

/**
 * A key from a closed list, exactly as listed. A near miss is refused with the closest valid key as
 * `suggestion` (the caller asks "¿Quiso decir `educacion`?"), so nothing is guessed silently.
 */
export function parseKey(text: string, keys: readonly string[]): Parsed<string> {
  if (text === "") return { ok: false, error: "empty" };
  if (keys.includes(text)) return { ok: true, value: text };
  const suggestion = closestKey(text, keys);
  return suggestion === undefined
    ? { ok: false, error: "unknown_key" }
    : { ok: false, error: "unknown_key", suggestion };
}
