/**
 * Text normalization for citizens' Spanish as it arrives on a chat: accents missing or misplaced,
 * ALL CAPS, emojis, stretched letters ("holaaaa") and chat abbreviations ("xq", "q", "ud").
 * Pure and fast: one pass over the characters with a lookup table, then a word-by-word map.
 */

/** Chat and office abbreviations, already lowercased and without accents, to their full words. */
const ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ["q", "que"],
  ["k", "que"],
  ["ke", "que"],
  ["qe", "que"],
  ["xq", "porque"],
  ["pq", "porque"],
  ["xk", "porque"],
  ["porq", "porque"],
  ["xke", "porque"],
  ["pk", "porque"],
  ["pqe", "porque"],
  ["ud", "usted"],
  ["uds", "ustedes"],
  ["usd", "usted"],
  ["tb", "tambien"],
  ["tbn", "tambien"],
  ["tmb", "tambien"],
  ["tmbn", "tambien"],
  ["tambn", "tambien"],
  ["x", "por"],
  ["d", "de"],
  ["pa", "para"],
  ["xa", "para"],
  ["pal", "para el"],
  ["xfa", "por favor"],
  ["porfa", "por favor"],
  ["porfis", "por favor"],
  ["plis", "por favor"],
  ["pls", "por favor"],
  ["dnd", "donde"],
  ["dnde", "donde"],
  ["cdo", "cuando"],
  ["cndo", "cuando"],
  ["bn", "bien"],
  ["msj", "mensaje"],
  ["info", "informacion"],
  ["inf", "informacion"],
  ["tel", "telefono"],
  ["cel", "celular"],
  ["hno", "hermano"],
  ["hna", "hermana"],
  ["mpio", "municipio"],
  ["mcpio", "municipio"],
  ["sec", "secretaria"],
  ["secre", "secretaria"],
  ["nro", "numero"],
  ["num", "numero"],
  ["dr", "doctor"],
  ["dra", "doctora"],
  ["sr", "senor"],
  ["sra", "senora"],
  ["srta", "senorita"],
  ["ppal", "principal"],
  ["cra", "carrera"],
  ["kra", "carrera"],
  ["kr", "carrera"],
  ["cll", "calle"],
  ["cl", "calle"],
  ["av", "avenida"],
  ["mz", "manzana"],
  ["brr", "barrio"],
  ["cc", "cedula"],
  ["jac", "junta de accion comunal"],
  ["aki", "aqui"],
  ["aca", "aqui"],
  ["bno", "bueno"],
  ["hrs", "horas"],
  ["hr", "hora"],
  ["cdad", "ciudad"],
  ["ofi", "oficina"],
  ["profe", "profesor"],
  ["profes", "profesores"],
  ["cole", "colegio"],
  ["coles", "colegios"],
  ["admon", "administracion"],
  ["gob", "gobierno"],
  ["tto", "transito"],
  ["trans", "transito"],
  ["vdd", "verdad"],
  ["tmp", "tampoco"],
  ["salu", "salud"],
  ["hijx", "hijo"],
  ["muchxs", "muchos"],
  ["nadien", "nadie"],
  ["naiden", "nadie"],
  ["ntp", "no te preocupes"],
  ["mna", "manana"],
  ["mnn", "manana"],
  ["pqr", "pqrs"],
  ["pqrd", "pqrsd"],
  ["pqrsdf", "pqrsd"],
]);

/** Frequent misspellings that letter folding alone does not repair. */
const MISSPELLINGS: ReadonlyMap<string, string> = new Map([
  ["ay", "hay"],
  ["aver", "a ver"],
  ["nesesito", "necesito"],
  ["nesecito", "necesito"],
  ["nececito", "necesito"],
  ["ueco", "hueco"],
  ["uecos", "huecos"],
  ["guecos", "huecos"],
  ["gueco", "hueco"],
  ["wecos", "huecos"],
  ["weco", "hueco"],
  ["ospital", "hospital"],
  ["ijo", "hijo"],
  ["ija", "hija"],
  ["ijos", "hijos"],
  ["asen", "hacen"],
  ["aser", "hacer"],
  ["ase", "hace"],
  ["echo", "hecho"],
  ["ora", "hora"],
  ["oras", "horas"],
  ["abitante", "habitante"],
  ["ogar", "hogar"],
  ["umedad", "humedad"],
]);

const URL_OR_EMAIL = /(?:https?:\/\/|www\.)\S+|\S+@\S+\.\S+/g;
const LAUGHTER = /^(?:(?:ja|ha){2,}|(?:je|he){2,}|(?:ji|hi){2,}|(?:js)+)j?$|^x+d+$/;
const SPACE = 32;

/**
 * Folded form of every UTF-16 code unit below U+0250 (Latin letters with their accents): the
 * lowercase ASCII letter or digit it reduces to, or a space for anything else. Code units above
 * (emojis, symbols, other scripts) are spaces too.
 */
const FOLD_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(0x250).fill(SPACE);
  for (let code = 0; code < table.length; code++) {
    const base = String.fromCharCode(code).toLowerCase().normalize("NFD").charCodeAt(0);
    if ((base >= 97 && base <= 122) || (base >= 48 && base <= 57)) table[code] = base;
  }
  return table;
})();

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * One pass over the text: folds letters, turns everything else into spaces, reduces letters
 * repeated three or more times to one, and separates letters from digits ("ley1755" → "ley 1755").
 */
function foldCharacters(text: string): string {
  const out: number[] = [];
  let last = SPACE;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const folded = code < 0x250 ? (FOLD_TABLE[code] as number) : SPACE;
    if (folded === SPACE) {
      if (last !== SPACE) out.push(SPACE);
      last = SPACE;
      run = 0;
      continue;
    }
    if (folded === last && !isDigit(folded)) {
      run++;
      if (run === 3) out.pop();
      if (run >= 3) continue;
    } else {
      if (last !== SPACE && isDigit(last) !== isDigit(folded)) out.push(SPACE);
      run = 1;
    }
    out.push(folded);
    last = folded;
  }
  return fromCharCodes(out);
}

/** String of char codes, in chunks so long letters do not overflow the argument limit. */
function fromCharCodes(codes: readonly number[]): string {
  const CHUNK = 4096;
  if (codes.length <= CHUNK) return String.fromCharCode(...codes);
  let out = "";
  for (let i = 0; i < codes.length; i += CHUNK) out += String.fromCharCode(...codes.slice(i, i + CHUNK));
  return out;
}

/**
 * Canonical form of a message: lowercase, accents and ñ folded to ASCII, emojis, punctuation, URLs
 * and laughter removed, letters stretched three or more times reduced to one, chat abbreviations
 * and common misspellings expanded, whitespace folded to single spaces. Idempotent.
 */
export function normalizeText(text: string): string {
  const withoutLinks =
    text.includes("@") || text.includes("http") || text.includes("www.") ? text.replace(URL_OR_EMAIL, " ") : text;
  const words: string[] = [];
  for (const word of foldCharacters(withoutLinks).split(" ")) {
    if (word.length === 0 || LAUGHTER.test(word)) continue;
    words.push(ABBREVIATIONS.get(word) ?? MISSPELLINGS.get(word) ?? word);
  }
  return words.join(" ");
}
