/**
 * How long a text is, counted as a person sees it (issue 19.7): one per grapheme cluster, so an
 * emoji, a flag or an accented letter typed as two code points each count as one character, not
 * as the 2–7 UTF-16 code units `String#length` reports. Every length Rinde checks or tells a
 * person goes through here. Pure.
 */

/** The longest text a citizen may send in one message (a question, the information asked for, …). */
export const MAX_CITIZEN_TEXT_LENGTH = 3000;

let segmenter: Intl.Segmenter | undefined;

/** Characters as a person sees them (grapheme clusters, `Intl.Segmenter`). */
export function textLength(text: string): number {
  // A grapheme has at least one UTF-16 unit, and most texts are plain: skip segmenting those.
  // Printable ASCII, line feeds and U+00A0–U+02FF (Latin-1 and Latin Extended letters: á, ñ, ¿, ü…
  // precomposed, as NFC leaves Spanish) are one grapheme each: none of them is a combining mark,
  // a joiner or half of a pair, which all lie above U+02FF (combining marks start at U+0300).
  if (/^[\x20-\x7e\n\u00a0-\u02ff]*$/.test(text)) return text.length;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  let count = 0;
  for (const _ of segmenter.segment(text)) count++;
  return count;
}

/** Whether `text` has more than `max` characters as a person sees them (cheap when it is short). */
export function isLongerThan(text: string, max: number): boolean {
  // Never more graphemes than UTF-16 units: a text of at most `max` units cannot exceed `max`.
  return text.length > max && textLength(text) > max;
}

/** `text` cut to at most `max` characters as a person sees them, with "…" when cut; never splits an emoji. */
export function truncateText(text: string, max: number): string {
  if (!isLongerThan(text, max)) return text;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  let out = "";
  let count = 0;
  for (const { segment } of segmenter.segment(text)) {
    if (++count > max - 1) break;
    out += segment;
  }
  return `${out}…`;
}
