/**
 * Personal data in an official's answer, before it goes on the public pages (issue 15: "the
 * citizen's identity and anything they wrote that identifies them never appear"). A clerk may write
 * "Señora María Pérez, ..." or repeat the citizen's phone, e-mail or cédula in an answer meant for
 * them; the public pages then hold that answer back until the office writes or confirms a version
 * for publication (src/services/transparency/answer-screening.ts).
 *
 * Two kinds of checks, both deliberately cautious (a wrong hold costs the office one click; a
 * missed one publishes someone's data, Ley 1581 de 2012):
 * - generic patterns: e-mail addresses, Colombian mobile and landline numbers, cédula-like numbers
 *   (6 to 10 digits, with or without thousands dots; money amounts are not), street addresses with
 *   a house number ("carrera 12 # 8-20"), a courtesy title before a capitalised name ("Señora María");
 * - what is known of the asking citizen: the digits of their chat addresses (WhatsApp phone,
 *   Telegram chat id) and the capitalised words they wrote in the question (Rinde stores no names:
 *   a name the citizen gave is in their text, "Soy Marta Rojas, ...").
 * Pure.
 */

export const PERSONAL_DATA_KINDS = ["email", "phone", "id_number", "street_address", "name", "chat_address"] as const;
export type PersonalDataKind = (typeof PERSONAL_DATA_KINDS)[number];

/** What is known of the person who asked. */
export interface KnownIdentifiers {
  /** Their channel addresses (phone numbers, chat ids), as stored. */
  addresses: readonly string[];
  /** What they wrote (the question): capitalised words in it are taken as possible names. */
  texts: readonly string[];
  /** Words that are public anyway (office, district and municipality names): never taken as names. */
  publicWords?: readonly string[];
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/u;
// Mobile 3xx xxx xxxx and landline 60x xxx xxxx (national numbering since 2021), optionally +57.
const PHONE = /(?<![\p{N}\p{L}])(?:\+?57[\s.-]?)?(?:3\d{2}|60\d)[\s.-]?\d{3}[\s.-]?\d{2}[\s.-]?\d{2}(?![\p{N}\p{L}])/u;
// A run of 6 to 10 digits, or 1-3 digits followed by thousands groups ("1.098.765.432"), not part of
// a longer token (a radicado's "-000123", a date, a decimal).
const NUMBER = /(?<![\p{N}\p{L}.,\-/$])(?:\d{1,3}(?:\.\d{3}){1,3}|\d{6,10})(?![\p{N}\p{L}]|[.,\-/]\d)/gu;
// "cédula 52.123.456", "C.C. 1234567", "documento No. 12345": a number of 5 or more digits after an ID word.
const ID_KEYWORD =
  /(?<![\p{L}])(?:c[ée]dula|c\.?\s?c\.?|documento|identificaci[óo]n|t\.?\s?i\.?|nuip|pasaporte)\s*(?:de\s+ciudadan[ií]a\s*)?(?:n[°ºo.]*\s*|número\s*|numero\s*)?:?\s*\d(?:[.\s]?\d){4,}/iu;
const MONEY_BEFORE = /(?:\$|cop|us\$|usd)\s*$/iu;
const MONEY_AFTER = /^\s*(?:pesos|millones|mil\b|cop\b|de pesos|smmlv|salarios)/iu;
const STREET =
  /(?<![\p{L}])(?:calle|cll?|carrera|cra|kra|kr|cr|avenida|av|diagonal|dg|transversal|tv|tr)\.?\s*\d+\s*[a-z]?(?:\s*bis)?\s*(?:#|n[°ºo]\.?|no\.?|número|numero)\s*\d+\s*[a-z]?\s*-\s*\d+/iu;
// Case-sensitive on purpose (the name must be capitalised), so each title spells its own first letter.
const TITLE_AND_NAME =
  /(?<![\p{L}])(?:[Ss]e[ñn]or(?:a|ita)?|[Ss]ra?\.|[Ss]rta\.|[Dd]on|[Dd]o[ñn]a|[Ee]stimad[oa]|[Aa]preciad[oa]|[Qq]uerid[oa])\s+\p{Lu}\p{Ll}+/u;
const WORD = /\p{L}+/gu;

/** Capitalised words that are not names however they are written (kept short: the profile adds its own). */
const NOT_NAMES = new Set(
  [
    "alcaldía",
    "alcaldia",
    "alcalde",
    "alcaldesa",
    "secretaría",
    "secretaria",
    "secretario",
    "gobernación",
    "concejo",
    "municipio",
    "comuna",
    "corregimiento",
    "vereda",
    "barrio",
    "colombia",
    "ley",
    "decreto",
    "resolución",
    "acuerdo",
    "artículo",
    "estado",
    "nación",
    "república",
    "ministerio",
    "personería",
    "contraloría",
    "procuraduría",
    "policía",
    "sisbén",
    "sisben",
    "eps",
    "ips",
    "pqrsd",
    "rinde",
    "whatsapp",
    "telegram",
    "señor",
    "señora",
    "gracias",
    "hola",
    "buenos",
    "buenas",
    "días",
    "tardes",
    "noches",
  ].map((w) => w.normalize("NFC")),
);

/**
 * Capitalised words of `text` that may be a person's name: not the first word of a sentence, at
 * least 3 letters, not all capitals (acronyms), not a common institutional word nor a public word.
 */
export function possibleNames(text: string, publicWords: readonly string[] = []): string[] {
  const publicSet = new Set(publicWords.flatMap((w) => w.toLocaleLowerCase("es").match(WORD) ?? []));
  const found = new Set<string>();
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    if (word.length < 3 || !/^\p{Lu}\p{Ll}/u.test(word)) continue;
    const before = text.slice(0, match.index).trimEnd();
    if (before === "" || /[.!?¿¡:;"«(\n]$/u.test(before)) continue;
    const lower = word.toLocaleLowerCase("es");
    if (NOT_NAMES.has(lower) || publicSet.has(lower)) continue;
    found.add(word);
  }
  return [...found];
}

function hasIdLikeNumber(text: string): boolean {
  if (ID_KEYWORD.test(text)) return true;
  for (const match of text.matchAll(NUMBER)) {
    const start = match.index;
    const end = start + match[0].length;
    if (MONEY_BEFORE.test(text.slice(Math.max(0, start - 6), start))) continue;
    if (MONEY_AFTER.test(text.slice(end, end + 12))) continue;
    return true;
  }
  return false;
}

/** Digit runs of `text` with their separators removed ("300 123 4567" → "3001234567"). */
function digitRuns(text: string): string[] {
  return [...text.matchAll(/\d[\d\s.\-()]*\d/gu)].map((m) => m[0].replace(/\D/g, ""));
}

function mentionsAddress(text: string, addresses: readonly string[]): boolean {
  const runs = digitRuns(text);
  const lower = text.toLocaleLowerCase("es");
  for (const address of addresses) {
    const digits = address.replace(/\D/g, "");
    if (digits.length >= 7) {
      // A phone may be written without its country code: compare the last 10 (or fewer) digits.
      const tail = digits.slice(-10);
      if (runs.some((run) => run.length >= 7 && (run.includes(tail) || tail.endsWith(run)))) return true;
    } else if (address.length >= 6 && /\p{L}/u.test(address) && lower.includes(address.toLocaleLowerCase("es"))) {
      return true;
    }
  }
  return false;
}

function mentionsWrittenName(text: string, known: KnownIdentifiers): boolean {
  const names = new Set(known.texts.flatMap((t) => possibleNames(t, known.publicWords)));
  if (names.size === 0) return false;
  for (const match of text.matchAll(WORD)) if (names.has(match[0])) return true;
  return false;
}

/**
 * The kinds of personal data `text` seems to contain, in PERSONAL_DATA_KINDS order; empty when
 * none. `known` adds the asking citizen's own identifiers.
 */
export function personalDataIn(text: string, known?: KnownIdentifiers): PersonalDataKind[] {
  const found = new Set<PersonalDataKind>();
  if (EMAIL.test(text)) found.add("email");
  if (PHONE.test(text)) found.add("phone");
  if (hasIdLikeNumber(text.replace(new RegExp(PHONE.source, "gu"), " "))) found.add("id_number");
  if (STREET.test(text)) found.add("street_address");
  if (TITLE_AND_NAME.test(text)) found.add("name");
  if (known) {
    if (mentionsAddress(text, known.addresses)) found.add("chat_address");
    if (mentionsWrittenName(text, known)) found.add("name");
  }
  return PERSONAL_DATA_KINDS.filter((k) => found.has(k));
}
