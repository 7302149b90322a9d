/**
 * Commands officials write in an office chat or to the bot in private. Pure parsing; the rules
 * (who may do what) live in the services. Spanish and English words, with or without "/", and
 * Telegram's "/command@BotName" form.
 */
import {
  COMMITMENT_COMMAND_WORDS,
  parseCommitmentCommandArgs,
  type CommitmentStaffCommand,
} from "./commitment-commands.ts";

export type StaffCommand =
  | { kind: "answer"; reference: string; text: string }
  | { kind: "reassign"; reference: string; officeKey: string; reason: string }
  | { kind: "request_info"; reference: string; text: string }
  /** Extension (prórroga): a new due date `YYYY-MM-DD` and the reason told to the citizen. */
  | { kind: "extend"; reference: string; date: string; reason: string }
  /**
   * Traslado to another entity (Ley 1755 de 2015, art. 21):
   * `/trasladar RC-2026-000123 Entidad | motivo`, with an optional `| correo@entidad.gov.co` part.
   */
  | { kind: "transfer"; reference: string; entityName: string; entityEmail?: string; reason: string }
  | { kind: "pending" }
  | { kind: "help" }
  | { kind: "link"; code: string }
  | { kind: "bind_group"; officeKey: string }
  /** A one-time sign-in link to the back-office, sent to the official's own chat (issue 14). */
  | { kind: "sign_in_link" }
  | CommitmentStaffCommand;

export type StaffParse =
  { ok: true; command: StaffCommand } | { ok: false; error: "not_a_command" | "usage"; command?: StaffCommand["kind"] };

const WORDS: Record<StaffCommand["kind"], readonly string[]> = {
  answer: ["responder", "respuesta", "answer"],
  reassign: ["reasignar", "reassign"],
  request_info: ["info", "pedirinfo", "pedir_info", "masinfo", "requestinfo", "request_info"],
  extend: ["prorroga", "prórroga", "prorrogar", "extend", "extension"],
  transfer: ["trasladar", "traslado", "transfer"],
  pending: ["pendientes", "pending"],
  help: ["ayuda", "help", "start"],
  link: ["vincular", "link"],
  bind_group: ["vincular_grupo", "vinculargrupo", "bind_group", "bindgroup"],
  sign_in_link: ["acceso", "enlace_acceso", "enlacedeacceso", "login", "signin", "sign_in"],
  ...COMMITMENT_COMMAND_WORDS,
};

const KIND_BY_WORD = new Map(
  Object.entries(WORDS).flatMap(([kind, words]) => words.map((w) => [w, kind as StaffCommand["kind"]])),
);
const REFERENCE = /^RC-\d{4}-\d{1,6}$/i;
/** The words of the back-office's sign-in page, written to the bot: "enviar enlace de acceso", "send sign-in link". */
const SIGN_IN_PHRASE =
  /^(?:env[ií]a(?:r|me)|m[aá]nda(?:r|me)|send(?: me)?)\s+(?:un\s+|el\s+|a\s+)?(?:enlace\s+de\s+acceso|sign-?in\s+link|login\s+link)[.!]?$/i;

/** Parses a staff command; `not_a_command` for ordinary text, `usage` when arguments are missing. */
export function parseStaffCommand(text: string): StaffParse {
  const trimmed = text.trim();
  if (SIGN_IN_PHRASE.test(trimmed)) return { ok: true, command: { kind: "sign_in_link" } };
  const match = /^\/?([a-zñáéíóú_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(trimmed);
  const kind = match ? KIND_BY_WORD.get(match[1]!.toLowerCase()) : undefined;
  if (!match || !kind) return { ok: false, error: "not_a_command" };
  // Without a slash, only the multi-word forms count: "responder RC-2026-000001 ...".
  const rest = (match[2] ?? "").trim();
  const [first = "", second = "", ...others] = rest.split(/\s+/);
  const usage = { ok: false as const, error: "usage" as const, command: kind };
  switch (kind) {
    case "answer":
    case "request_info": {
      const body = rest.slice(first.length).trim();
      return REFERENCE.test(first) && body
        ? { ok: true, command: { kind, reference: first.toUpperCase(), text: body } }
        : usage;
    }
    case "reassign": {
      const reason = others.join(" ").trim();
      return REFERENCE.test(first) && second && reason
        ? { ok: true, command: { kind, reference: first.toUpperCase(), officeKey: second.toLowerCase(), reason } }
        : usage;
    }
    case "extend": {
      const reason = others.join(" ").trim();
      return REFERENCE.test(first) && /^\d{4}-\d{2}-\d{2}$/.test(second) && reason
        ? { ok: true, command: { kind, reference: first.toUpperCase(), date: second, reason } }
        : usage;
    }
    case "transfer": {
      // Only with the slash: "traslado" is an ordinary word in an office's group chat.
      if (!trimmed.startsWith("/")) return { ok: false, error: "not_a_command" };
      const command = REFERENCE.test(first) ? transferArgs(first.toUpperCase(), rest.slice(first.length)) : undefined;
      return command ? { ok: true, command } : usage;
    }
    case "commitment_add":
    case "commitment_progress":
    case "commitment_cancel":
    case "commitment_list": {
      // Only with the slash: "compromiso" and "avance" are ordinary words in an office's group chat.
      if (!trimmed.startsWith("/")) return { ok: false, error: "not_a_command" };
      const command = parseCommitmentCommandArgs(kind, rest);
      return command ? { ok: true, command } : usage;
    }
    case "link":
      return first ? { ok: true, command: { kind, code: first.toUpperCase() } } : usage;
    case "bind_group":
      return first ? { ok: true, command: { kind, officeKey: first.toLowerCase() } } : usage;
    case "sign_in_link":
      // The one-word forms only with the slash ("acceso" is an ordinary word); the phrase is matched above.
      return trimmed.startsWith("/") ? { ok: true, command: { kind } } : { ok: false, error: "not_a_command" };
    case "pending":
    case "help":
      return { ok: true, command: { kind } };
  }
}

/** `Entidad | motivo [| correo]`: the part that is an e-mail address is the entity's e-mail. */
function transferArgs(reference: string, rest: string): StaffCommand | undefined {
  const parts = rest
    .split("|")
    .map((p) => p.trim())
    .filter(Boolean);
  const email = parts.find((p) => /^\S+@\S+\.\S+$/.test(p));
  const [entityName, ...reason] = parts.filter((p) => p !== email);
  if (!entityName || reason.length === 0) return undefined;
  return {
    kind: "transfer",
    reference,
    entityName,
    ...(email ? { entityEmail: email } : {}),
    reason: reason.join(" | "),
  };
}

/**
 * What an action button under a question notice asks for. Channel-neutral: the adapter hands the
 * string back untouched (InboundButton.action), so it stays short (Telegram allows 64 bytes).
 */
export type StaffButtonAction =
  | { kind: "answer" | "request_info" | "reassign" | "extend"; questionId: number }
  | { kind: "reassign_to"; questionId: number; officeKey: string };

/** Longest action string a button may carry, in bytes. */
export const MAX_BUTTON_ACTION_BYTES = 60;

const ACTION_PREFIX: Record<StaffButtonAction["kind"], string> = {
  answer: "qa",
  request_info: "qi",
  reassign: "qr",
  reassign_to: "qo",
  extend: "qe",
};
const ACTION_KIND = new Map(
  Object.entries(ACTION_PREFIX).map(([kind, prefix]) => [prefix, kind as StaffButtonAction["kind"]]),
);

export function formatStaffButtonAction(action: StaffButtonAction): string {
  const base = `${ACTION_PREFIX[action.kind]}:${action.questionId}`;
  return action.kind === "reassign_to" ? `${base}:${action.officeKey}` : base;
}

/** The action a button carries, or undefined for anything else (an old or foreign button). */
export function parseStaffButtonAction(data: string): StaffButtonAction | undefined {
  const match = /^(q[a-z]):(\d{1,12})(?::([a-z0-9][a-z0-9_-]*))?$/.exec(data);
  const kind = match ? ACTION_KIND.get(match[1]!) : undefined;
  if (!match || !kind) return undefined;
  const questionId = Number(match[2]);
  if (kind === "reassign_to") return match[3] ? { kind, questionId, officeKey: match[3] } : undefined;
  return match[3] ? undefined : { kind, questionId };
}
