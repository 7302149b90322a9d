/**
 * Text normalization for citizens' Spanish as it arrives on a chat: accents missing or misplaced,
 * ALL CAPS, emojis, stretched letters ("holaaaa") and chat abbreviations ("xq", "q", "ud").
 * Pure and allocation-light: every regular expression is compiled once, at module load.
 */

/** Chat and office abbreviations, already lowercased and without accents, to their full words. */
const ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ["q", "que"], ["k", "que"], ["ke", "que"], ["qe", "que"], ["xq", "porque"], ["pq", "porque"],
  ["xk", "porque"], ["porq", "porque"], ["xke", "porque"], ["pk", "porque"], ["pqe", "porque"],
  ["ud", "usted"], ["uds", "ustedes"], ["usd", "usted"], ["tb", "tambien"], ["tbn", "tambien"],
  ["tmb", "tambien"], ["tmbn", "tambien"], ["tambn", "tambien"], ["x", "por"], ["d", "de"],
  ["pa", "para"], ["xa", "para"], ["pal", "para el"], ["xfa", "por favor"], ["porfa", "por favor"],
  ["porfis", "por favor"], ["plis", "por favor"], ["pls", "por favor"], ["dnd", "donde"],
  ["dnde", "donde"], ["cdo", "cuando"], ["cndo", "cuando"], ["bn", "bien"], ["msj", "mensaje"],
  ["info", "informacion"], ["inf", "informacion"], ["tel", "telefono"], ["cel", "celular"],
  ["hno", "hermano"], ["hna", "hermana"], ["mpio", "municipio"], ["mcpio", "municipio"],
  ["sec", "secretaria"], ["secre", "secretaria"], ["nro", "numero"], ["num", "numero"],
  ["dr", "doctor"], ["dra", "doctora"], ["sr", "senor"], ["sra", "senora"], ["srta", "senorita"],
  ["ppal", "principal"], ["cra", "carrera"], ["kra", "carrera"], ["kr", "carrera"],
  ["cll", "calle"], ["cl", "calle"], ["av", "avenida"], ["mz", "manzana"], ["brr", "barrio"],
  ["cc", "cedula"], ["jac", "junta de accion comunal"], ["aki", "aqui"], ["aca", "aqui"],
  ["bno", "bueno"], ["hrs", "horas"], ["hr", "hora"], ["cdad", "ciudad"], ["ofi", "oficina"],
  ["profe", "profesor"], ["profes", "profesores"], ["cole", "colegio"], ["coles", "colegios"],
  ["admon", "administracion"], ["gob", "gobierno"], ["tto", "transito"], ["trans", "transito"],
  ["vdd", "verdad"], ["tmp", "tampoco"], ["salu", "salud"], ["hijx", "hijo"],
  ["muchxs", "muchos"], ["nadien", "nadie"], ["naiden", "nadie"], ["ntp", "no te preocupes"],
  ["mna", "manana"], ["mnn", "manana"],
  ["pqr", "pqrs"], ["pqrd", "pqrsd"], ["pqrsdf", "pqrsd"],
]);

/** Frequent misspellings that letter folding alone does not repair. */
const MISSPELLINGS: ReadonlyMap<string, string> = new Map([
  ["ay", "hay"], ["aver", "a ver"], ["nesesito", "necesito"],
  ["nesecito", "necesito"], ["nececito", "necesito"], ["ueco", "hueco"], ["uecos", "huecos"],
  ["guecos", "huecos"], ["gueco", "hueco"], ["wecos", "huecos"], ["weco", "hueco"],
  ["ospital", "hospital"], ["ijo", "hijo"], ["ija", "hija"], ["ijos", "hijos"], ["asen", "hacen"],
  ["aser", "hacer"], ["ase", "hace"], ["echo", "hecho"], ["ora", "hora"],
  ["oras", "horas"], ["abitante", "habitante"], ["ogar", "hogar"], ["umedad", "humedad"],
]);

const COMBINING_MARKS = /\p{M}+/gu;
const URLS_AND_EMAILS = /(?:https?:\/\/|www\.)\S+|\S+@\S+\.\S+/g;
const NON_ALPHANUMERIC = /[^a-z0-9]+/g;
const STRETCHED_LETTERS = /([a-z])\1{2,}/g;
const LAUGHTER = /^(?:(?:ja|ha){2,}|(?:je|he){2,}|(?:ji|hi){2,}|(?:js)+)j?$|^x+d+$/;
const LETTERS_THEN_DIGITS = /([a-z])([0-9])/g;
const DIGITS_THEN_LETTERS = /([0-9])([a-z])/g;

/**
 * Canonical form of a message: lowercase, accents and ñ folded to ASCII, emojis, punctuation, URLs
 * and laughter removed, letters stretched three or more times reduced to one, chat abbreviations
 * and common misspellings expanded, whitespace folded to single spaces. Idempotent.
 */
export function normalizeText(text: string): string {
  const folded = text
    .toLowerCase()
    .normalize("NFD")
    .replace(COMBINING_MARKS, "")
    .replace(URLS_AND_EMAILS, " ")
    .replace(NON_ALPHANUMERIC, " ")
    .replace(STRETCHED_LETTERS, "$1")
    .replace(LETTERS_THEN_DIGITS, "$1 $2")
    .replace(DIGITS_THEN_LETTERS, "$1 $2");
  const words: string[] = [];
  for (const word of folded.split(" ")) {
    if (word.length === 0 || LAUGHTER.test(word)) continue;
    words.push(ABBREVIATIONS.get(word) ?? MISSPELLINGS.get(word) ?? word);
  }
  return words.join(" ");
}
