/**
 * Commitment input as officials type it: dates, commitment numbers, and the chat commands
 * (`/compromiso`, `/avance`, `/cancelar_compromiso`, `/compromisos`) that src/core/staff-commands.ts
 * recognizes. Pure parsing; the rules are in ./commitments.ts and the services.
 */
import { parseId } from "./strict-parse.ts";

/**
 * A date as officials write it: `2026-06-30`, or the Colombian `30/06/2026` (also with `-`).
 * Returns `YYYY-MM-DD`, or undefined when it is not a date at all (validity is checked later).
 */
export function parseDateInput(text: string): string | undefined {
  const value = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const match = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(value);
  if (!match) return undefined;
  return `${match[3]}-${match[2]!.padStart(2, "0")}-${match[1]!.padStart(2, "0")}`;
}

/** The commitment number as typed: `12`, `#12`, `C-12` (digits only after the prefix, ≥ 1; see ./strict-parse.ts). */
export function parseCommitmentNumber(text: string): number | undefined {
  const parsed = parseId(text.trim().replace(/^(?:#|c-?)/i, ""));
  return parsed.ok && parsed.value <= 999_999_999 ? parsed.value : undefined;
}

/** Commitment commands officials write in chat (parsed by src/core/staff-commands.ts). */
export type CommitmentStaffCommand =
  /** `/compromiso [oficina] <fecha> [evento:N] [comuna:clave] <texto>` */
  | {
      kind: "commitment_add";
      officeKey?: string;
      dueDate: string;
      eventId?: number;
      districtKey?: string;
      text: string;
    }
  /** `/avance <n> <porcentaje> <nota> [enlace de evidencia]` */
  | { kind: "commitment_progress"; number: number; percent: number; note: string; evidenceUrl?: string }
  /** `/cancelar_compromiso <n> <motivo>` */
  | { kind: "commitment_cancel"; number: number; reason: string }
  /** `/compromisos`: the office's open commitments. */
  | { kind: "commitment_list" };

export const COMMITMENT_COMMAND_WORDS: Record<CommitmentStaffCommand["kind"], readonly string[]> = {
  commitment_add: ["compromiso", "commitment"],
  commitment_progress: ["avance", "progress"],
  commitment_cancel: ["cancelar_compromiso", "cancel_commitment"],
  commitment_list: ["compromisos", "commitments"],
};

const TAG = /^(evento|event|comuna|zona|district|distrito):(\S+)$/i;
const URL_TOKEN = /^https?:\/\/\S+$/i;

/** `text` without its first `count` words, the rest as written (line breaks kept). */
function afterWords(text: string, count: number): string {
  let rest = text.trim();
  for (let i = 0; i < count; i++) rest = rest.replace(/^\S+\s*/, "");
  return rest.trim();
}

function parseAdd(args: string, tokens: string[]): CommitmentStaffCommand | undefined {
  let rest = tokens;
  let officeKey: string | undefined;
  if (rest[0] !== undefined && parseDateInput(rest[0]) === undefined)
    [officeKey, ...rest] = [rest[0].toLowerCase(), ...rest.slice(1)];
  const dueDate = rest[0] !== undefined ? parseDateInput(rest[0]) : undefined;
  if (!dueDate) return undefined;
  rest = rest.slice(1);
  let eventId: number | undefined;
  let districtKey: string | undefined;
  for (let tag = TAG.exec(rest[0] ?? ""); tag; tag = TAG.exec(rest[0] ?? "")) {
    if (/^event/i.test(tag[1]!)) eventId = parseCommitmentNumber(tag[2]!);
    else districtKey = tag[2]!.toLowerCase();
    if (/^event/i.test(tag[1]!) && eventId === undefined) return undefined;
    rest = rest.slice(1);
  }
  const text = afterWords(args, tokens.length - rest.length);
  if (!text) return undefined;
  return {
    kind: "commitment_add",
    dueDate,
    text,
    ...(officeKey ? { officeKey } : {}),
    ...(eventId !== undefined ? { eventId } : {}),
    ...(districtKey ? { districtKey } : {}),
  };
}

/**
 * Parses the arguments of a commitment command (the words after the command), or undefined when
 * they do not fit (the caller shows the usage). In a progress note, a link is taken as the evidence.
 */
export function parseCommitmentCommandArgs(
  kind: CommitmentStaffCommand["kind"],
  args: string,
): CommitmentStaffCommand | undefined {
  const tokens = args.trim().split(/\s+/).filter(Boolean);
  switch (kind) {
    case "commitment_list":
      return { kind };
    case "commitment_add":
      return parseAdd(args, tokens);
    case "commitment_progress": {
      const number = parseCommitmentNumber(tokens[0] ?? "");
      const percentText = /^(\d{1,3})\s*%?$/.exec(tokens[1] ?? "")?.[1];
      const evidenceUrl = tokens.slice(2).find((t) => URL_TOKEN.test(t));
      const body = afterWords(args, 2);
      const note = (evidenceUrl ? body.replace(evidenceUrl, "") : body).replace(/[ \t]{2,}/g, " ").trim();
      if (number === undefined || percentText === undefined || !note) return undefined;
      return { kind, number, percent: Number(percentText), note, ...(evidenceUrl ? { evidenceUrl } : {}) };
    }
    case "commitment_cancel": {
      const number = parseCommitmentNumber(tokens[0] ?? "");
      const reason = afterWords(args, 1);
      return number !== undefined && reason ? { kind, number, reason } : undefined;
    }
  }
}
