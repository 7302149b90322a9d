/**
 * Throughput of Router.route() over a few thousand varied messages generated from the built-in
 * knowledge base (never from the labelled evaluation sets): the examples themselves, plus copies
 * in ALL CAPS, without accents, with chat abbreviations, with typos, with emojis, wrapped in a
 * formal letter, and cut to three words. Prints nothing; the caller reports.
 */
import { loadProfile } from "../../src/config/profile.ts";
import { BUILT_IN_KNOWLEDGE, createRouter } from "../../src/core/routing/index.ts";
import { fileURLToPath } from "node:url";

const DEFAULT_PROFILE = fileURLToPath(new URL("../../src/config/profiles/default.yaml", import.meta.url));

const LETTER_OPENING =
  "Cordial saludo. De conformidad con el artículo 23 de la Constitución Política y la Ley 1755 de 2015, me permito solicitar lo siguiente: ";
const LETTER_CLOSING =
  " Agradezco de antemano su atención y quedo atento a una pronta respuesta. Atentamente, un ciudadano.";

/** Deterministic pseudo-random generator (LCG), so every run routes the same messages. */
function createRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function withTypo(text: string, random: () => number): string {
  const i = Math.floor(random() * Math.max(1, text.length - 1));
  return text.slice(0, i) + text.slice(i + 1, i + 2) + text.slice(i, i + 1) + text.slice(i + 2);
}

function variants(text: string, random: () => number): string[] {
  return [
    text,
    text.toUpperCase(),
    text.normalize("NFD").replace(/\p{M}/gu, ""),
    text
      .replace(/\bque\b/g, "q")
      .replace(/\bporque\b/g, "xq")
      .replace(/\bpara\b/g, "pa"),
    withTypo(withTypo(text, random), random),
    `${text} 😡🙏`,
    LETTER_OPENING + text + LETTER_CLOSING,
    text.split(" ").slice(0, 3).join(" "),
  ];
}

/** Builds the benchmark's messages: every knowledge example in eight registers. */
export function benchMessages(): string[] {
  const random = createRandom(20240611);
  return BUILT_IN_KNOWLEDGE.flatMap((k) => k.examples.flatMap((example) => variants(example, random)));
}

export type RoutingBenchResult = {
  messagesPerSecond: number;
  /** Messages routed in the timed rounds. */
  messages: number;
  elapsedMs: number;
  meanMicrosecondsPerMessage: number;
  /** Time createRouter() took to train on the profile and the knowledge base. */
  buildMs: number;
};

/** Routes every benchmark message once after a warm-up pass; measures wall-clock time. */
export async function benchRouting(
  options: { profilePath?: string; rounds?: number } = {},
): Promise<RoutingBenchResult> {
  const profile = loadProfile(options.profilePath ?? DEFAULT_PROFILE);
  const buildStart = performance.now();
  const router = createRouter({ offices: profile.offices });
  const buildMs = performance.now() - buildStart;
  const messages = benchMessages();
  for (const message of messages) router.route(message);
  const rounds = options.rounds ?? 3;
  const start = performance.now();
  for (let round = 0; round < rounds; round++) for (const message of messages) router.route(message);
  const elapsedMs = performance.now() - start;
  const routed = messages.length * rounds;
  return {
    messagesPerSecond: Math.round((routed / elapsedMs) * 1000),
    messages: routed,
    elapsedMs,
    meanMicrosecondsPerMessage: (elapsedMs * 1000) / routed,
    buildMs,
  };
}
