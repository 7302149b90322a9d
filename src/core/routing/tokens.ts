/**
 * From normalized text to the terms the classifier counts: content words (stopwords, greetings and
 * letter boilerplate dropped), a light Spanish stem, and a phonetic fold so that the spellings
 * citizens mix up (b/v, s/c/z, ll/y, silent h, qu/k) meet on one form.
 */
import { looksEnglish, translateWord } from "./english.ts";
import { normalizeText } from "./normalize.ts";

/**
 * Function words, greetings, courtesy and generic request verbs: they say nothing about which
 * office should answer, and formal letters are full of them ("de conformidad con el artículo 23").
 */
const STOPWORDS: ReadonlySet<string> = new Set(
  `a al algo alguien alguna algunas alguno algunos ante antes aqui asi aun aunque bajo bien cada
  casi como con contra cual cuales cualquier cuando cuanto cuantos cuanta cuantas de del desde
  donde dos durante e el ella ellas ellos en entre era eramos eran eres es esa esas ese eso esos
  esta estaba estamos estan estar estas este esto estos estoy fue fueron fui ha habia han has hasta
  hay he hemos la las le les lo los mas me mi mis mismo mucho muchos muy nada ni no nos nosotros
  nuestra nuestro nuestros nuestras o os otra otras otro otros para pero poco por porque pues que
  quien quienes se sea ser si sido sin sobre sois solo somos son soy su sus tal tambien tampoco tan
  tanto te tenemos tener tengo tiene tienen ti toda todas todo todos tu tus u un una unas uno unos
  usted ustedes va vamos van vez y ya yo hace hacen hacer hizo puedo puede pueden podria podrian
  quiero quisiera queria quisieramos queremos necesito necesitamos necesita saber sabe se favor
  hola buenas buenos buen dia dias tardes noches gracias agradezco agradeceria agradecemos
  cordial cordialmente saludo saludos atentamente respetuosamente senor senora senores senoras
  senorita doctor doctora don dona alcaldia alcalde municipio municipal secretaria secretario
  conformidad articulo constitucion politica colombia nacional numeral inciso literal ley decreto
  mediante presente escrito comedidamente amablemente manera forma respuesta responder pronta
  pregunta preguntar consulta consultar ayuda ayudar ayudenme ayudeme colaboracion porfavor ok
  okay vale listo bueno entonces osea ahi alla aca ese eh ah oiga oigan mire vea disculpe disculpa
  perdon buenassss buena tardecitas dar dan den dio digan diga decir dice dicen informar
  indicar indiquen indique orientar orienten oriente sera seria estaria hubo haya hayan cosa cosas
  ahora hoy ayer manana semana mes ano anos meses tiempo rato dias comunidad ciudadano
  ciudadana persona personas gente mio mia mios mias
  solicito solicitamos solicitar solicitud peticionario suscrito suscrita identificado
  identificada cedula ciudadania expedida numero calle carrera avenida barrio manzana`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

/** Suffixes tried longest first; a stem keeps at least `MIN_STEM_LENGTH` letters. */
const SUFFIXES: readonly string[] = [
  "amientos", "imientos", "aciones", "iciones", "uciones", "amiento", "imiento", "idades",
  "adoras", "adores", "ancias", "encias", "logias", "mente", "acion", "icion", "ucion", "adora",
  "ador", "ancia", "encia", "logia", "idad", "ables", "ibles", "able", "ible", "istas", "ista",
  "ismos", "ismo", "osos", "osas", "ivos", "ivas", "ando", "iendo", "aron", "ieron", "abamos",
  "aban", "aba", "ados", "adas", "idos", "idas", "ado", "ada", "ido", "ida", "oso", "osa", "ivo",
  "iva", "ar", "er", "ir", "es", "as", "os", "an", "en", "a", "e", "o", "s",
];
const MIN_STEM_LENGTH = 3;

/** Light Spanish stemmer: strips one inflectional or derivational suffix, keeping ≥ 3 letters. */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  for (const suffix of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= MIN_STEM_LENGTH) {
      return word.slice(0, word.length - suffix.length);
    }
  }
  return word;
}

const FOLD_RULES: readonly (readonly [RegExp, string])[] = [
  [/ch/g, "\u0001"],
  [/qu(?=[ei])/g, "k"],
  [/c(?=[ei])/g, "s"],
  [/c/g, "k"],
  [/q/g, "k"],
  [/z/g, "s"],
  [/v/g, "b"],
  [/w/g, "u"],
  [/ll/g, "y"],
  [/h/g, ""],
  [/g(?=[ei])/g, "j"],
  [/gu(?=[ei])/g, "g"],
  [/n(?=[pb])/g, "m"],
  // "rr" stays: "caro" and "carro", "pero" and "perro" are different words.
  [/([a-qs-z])\1+/g, "$1"],
  [/\u0001/g, "ch"],
];

/** Phonetic fold of a lowercase ASCII word: "vacuna" and "bacuna", "licencia" and "lisensia" meet. */
export function fold(word: string): string {
  let out = word;
  for (const [pattern, replacement] of FOLD_RULES) out = out.replace(pattern, replacement);
  return out;
}

/**
 * One content word of a message: its folded stem (for word features), folded surface form, and
 * the character n-grams of the surface form (for typo-tolerant features).
 */
export interface Term {
  readonly stem: string;
  readonly surface: string;
  readonly grams: readonly string[];
}

const CHAR_NGRAM_SIZES = [3, 4] as const;

/** Distinct character n-grams of `<surface>`. */
export function charNgrams(surface: string): string[] {
  const padded = `<${surface}>`;
  const grams = new Set<string>();
  for (const size of CHAR_NGRAM_SIZES) {
    for (let i = 0; i + size <= padded.length; i++) grams.add(padded.slice(i, i + size));
  }
  return [...grams];
}

/** True for words that carry no routing signal. */
export function isStopword(word: string): boolean {
  return word.length < 2 || STOPWORDS.has(word) || DIGITS_ONLY.test(word);
}
const DIGITS_ONLY = /^\d+$/;

/** Memo of word → term: folding runs a dozen regular expressions, and vocabulary repeats a lot. */
const termMemo = new Map<string, Term>();
const TERM_MEMO_MAX_ENTRIES = 50_000;

function termOf(word: string): Term {
  let term = termMemo.get(word);
  if (term === undefined) {
    const surface = fold(word);
    term = { stem: fold(stem(word)), surface, grams: charNgrams(surface) };
    if (termMemo.size >= TERM_MEMO_MAX_ENTRIES) termMemo.clear();
    termMemo.set(word, term);
  }
  return term;
}

/** Content terms of a raw message, in order. */
export function terms(text: string): Term[] {
  const out: Term[] = [];
  const words = normalizeText(text).split(" ");
  const english = looksEnglish(words);
  for (const word of words) {
    if (!english) {
      if (!isStopword(word)) out.push(termOf(word));
      continue;
    }
    for (const translated of translateWord(word)) if (!isStopword(translated)) out.push(termOf(translated));
  }
  return out;
}
