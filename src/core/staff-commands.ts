/**
 * Commands officials write in an office chat or to the bot in private. Pure parsing; the rules
 * (who may do what) live in the services. Spanish and English words, with or without "/", and
 * Telegram's "/command@BotName" form.
 */

export type StaffCommand =
  | { kind: "answer"; reference: string; text: string }
  | { kind: "reassign"; reference: string; officeKey: string; reason: string }
  | { kind: "request_info"; reference: string; text: string }
  | { kind: "pending" }
  | { kind: "help" }
  | { kind: "link"; code: string }
  | { kind: "bind_group"; officeKey: string };

export type StaffParse = { ok: true; command: StaffCommand } | { ok: false; error: "not_a_command" | "usage"; command?: StaffCommand["kind"] };

const WORDS: Record<StaffCommand["kind"], readonly string[]> = {
  answer: ["responder", "respuesta", "answer"],
  reassign: ["reasignar", "reassign"],
  request_info: ["info", "pedirinfo", "pedir_info", "masinfo", "requestinfo", "request_info"],
  pending: ["pendientes", "pending"],
  help: ["ayuda", "help", "start"],
  link: ["vincular", "link"],
  bind_group: ["vincular_grupo", "vinculargrupo", "bind_group", "bindgroup"],
};

const KIND_BY_WORD = new Map(Object.entries(WORDS).flatMap(([kind, words]) => words.map((w) => [w, kind as StaffCommand["kind"]])));
const REFERENCE = /^RC-\d{4}-\d{1,6}$/i;

/** Parses a staff command; `not_a_command` for ordinary text, `usage` when arguments are missing. */
export function parseStaffCommand(text: string): StaffParse {
  const trimmed = text.trim();
  const match = /^\/?([a-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(trimmed);
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
      return REFERENCE.test(first) && body ? { ok: true, command: { kind, reference: first.toUpperCase(), text: body } } : usage;
    }
    case "reassign": {
      const reason = others.join(" ").trim();
      return REFERENCE.test(first) && second && reason ? { ok: true, command: { kind, reference: first.toUpperCase(), officeKey: second.toLowerCase(), reason } } : usage;
    }
    case "link":
      return first ? { ok: true, command: { kind, code: first.toUpperCase() } } : usage;
    case "bind_group":
      return first ? { ok: true, command: { kind, officeKey: first.toLowerCase() } } : usage;
    case "pending":
    case "help":
      return { ok: true, command: { kind } };
  }
}
