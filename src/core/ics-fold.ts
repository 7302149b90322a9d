/**
 * iCalendar line folding by octets (RFC 5545, section 3.1: "Lines of text SHOULD NOT be longer
 * than 75 octets, excluding the line break"). The `ics` package folds by characters, so a
 * Spanish line with accents came out at 76 octets or more; this refolds its output. Pure.
 */

const encoder = new TextEncoder();
const LIMIT_OCTETS = 75;

/** Folds one unfolded content line into pieces of at most 75 octets, never splitting a character. */
function foldLine(line: string): string {
  if (encoder.encode(line).length <= LIMIT_OCTETS) return line;
  const pieces: string[] = [];
  let piece = "";
  let pieceOctets = 0;
  // Continuation lines start with one space, which counts towards their 75 octets.
  let limit = LIMIT_OCTETS;
  for (const char of line) {
    const octets = encoder.encode(char).length;
    if (pieceOctets + octets > limit) {
      pieces.push(piece);
      piece = "";
      pieceOctets = 0;
      limit = LIMIT_OCTETS - 1;
    }
    piece += char;
    pieceOctets += octets;
  }
  pieces.push(piece);
  return pieces.join("\r\n ");
}

/** Unfolds `text` (CRLF followed by a space or tab) and folds every line again at 75 octets. */
export function foldIcsLines(text: string): string {
  return text
    .replace(/\r\n[ \t]/g, "")
    .split("\r\n")
    .map(foldLine)
    .join("\r\n");
}
