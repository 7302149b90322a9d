/**
 * Officials working from chats: an office's group chat (bound to the office) or their private chat
 * with the bot (after linking with a one-time code). Channel-neutral: Telegram and WhatsApp adapters
 * only translate buttons and quotes into these messages. Authorization is checked by the question
 * services; a sender who is not a registered official of the office gets a polite refusal.
 */
import { citizenErased } from "../privacy/erased-questions.ts";
import { randomInt } from "node:crypto";
import type { InboundMessage } from "../../channels/channel.ts";
import { answerNeedsApproval, canBindGroup, officialActor, type Role } from "../../core/authorization.ts";
import { toLocalDate } from "../../core/calendar/index.ts";
import { deadlineState } from "../../core/deadlines.ts";
import { parseStaffCommand, type StaffCommand } from "../../core/staff-commands.ts";
import type { OfficialRow } from "../../db/repositories/officials.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { dueDateText, officeName, type AppContext, staffText } from "../context.ts";
import { extensionReplyText } from "../deadlines/extension.ts";
import {
  auditedAnswer,
  auditedProposeAnswer,
  auditedExtend,
  auditedReassign,
  auditedTransfer,
  auditedRequestInfo,
} from "./audited-actions.ts";
import { audit } from "../backoffice/audit.ts";
import { LOGIN_LINK_TTL_MS, requestLoginLinkFromChat } from "../backoffice/auth.ts";
import { commitmentStaffReply } from "../commitments/staff-commands.ts";
import { heldBackAnswer, personalDataText } from "../transparency/publication.ts";
import type { answerQuestion, QuestionError } from "../questions/questions.ts";
import type { TransferError } from "../questions/transfer.ts";
import { commandForReply, handleStaffButton, type StaffReply } from "./buttons.ts";

export type Sender =
  | { kind: "citizen" }
  | { kind: "ignore" }
  | { kind: "staff"; official: OfficialRow | undefined; groupOfficeKey: string | undefined };

/** Who wrote: a citizen, an official (in a bound group or in private), or a group to ignore. */
export async function classifySender(app: AppContext, message: InboundMessage): Promise<Sender> {
  const { repos } = app;
  if (message.chatKind === "group") {
    const office = (await repos.offices.list()).find(
      (o) => (message.channel === "whatsapp" ? o.whatsappJid : o.telegramChatId) === message.address,
    );
    const official = message.senderId
      ? await repos.officials.findByAddress(message.channel, message.senderId)
      : undefined;
    if (office) return { kind: "staff", official, groupOfficeKey: office.key };
    // An unbound group only hears the bind command.
    const parsed = parseStaffCommand(message.text ?? "");
    return parsed.ok && parsed.command.kind === "bind_group"
      ? { kind: "staff", official, groupOfficeKey: undefined }
      : { kind: "ignore" };
  }
  const official = await repos.officials.findByAddress(message.channel, message.address);
  if (official) return { kind: "staff", official, groupOfficeKey: undefined };
  const parsed = parseStaffCommand(message.text ?? "");
  // `/vincular` links a new official; `/acceso` from someone who is not one is refused politely.
  const staffOnly = parsed.ok && (parsed.command.kind === "link" || parsed.command.kind === "sign_in_link");
  return staffOnly ? { kind: "staff", official: undefined, groupOfficeKey: undefined } : { kind: "citizen" };
}

const t = staffText;

/** Handles an official's message or button; returns the replies for the chat it came from (possibly none). */
export async function handleStaffMessage(
  app: AppContext,
  message: InboundMessage,
  sender: Extract<Sender, { kind: "staff" }>,
): Promise<StaffReply[]> {
  if (message.button) return await handleStaffButton(app, message, sender.official);
  return (await staffTextReplies(app, message, sender)).map((text) => ({ text }));
}

async function staffTextReplies(
  app: AppContext,
  message: InboundMessage,
  sender: Extract<Sender, { kind: "staff" }>,
): Promise<string[]> {
  const text = (message.text ?? "").trim();
  const parsed = parseStaffCommand(text);
  if (parsed.ok && parsed.command.kind === "link") return [await linkOfficial(app, message, parsed.command.code)];
  if (parsed.ok && parsed.command.kind === "sign_in_link" && !sender.official)
    return [t(app, "staff.sign_in_link.not_staff")];
  // A reply to a question notice answers it; a reply to a prompt does what the prompt asked.
  const replied = message.replyToChannelMessageId
    ? await app.repos.sentRefs.byChannelMessage(message.channel, message.replyToChannelMessageId)
    : undefined;
  const repliedQuestion = replied?.questionId ?? undefined;
  // A reply to a question notice (or to its prompt) is the answer unless it starts with "/": an
  // answer that begins "Respuesta …", "Info …" or "Ayuda …" is an answer, not a command (issue 19).
  if (repliedQuestion !== undefined && !text.startsWith("/")) {
    if (!sender.official) return [t(app, "staff.not_official")];
    const question = (await app.repos.questions.byId(repliedQuestion))!;
    return [
      await runCommand(
        app,
        commandForReply(replied!.staffPrompt ?? undefined, question.reference, text),
        sender.official,
        sender.groupOfficeKey,
        message,
      ),
    ];
  }
  if (!parsed.ok && parsed.error === "not_a_command" && repliedQuestion !== undefined) {
    // "/something" in reply to a notice that is no command: say so, never drop the text silently.
    const reference = (await app.repos.questions.byId(repliedQuestion))!.reference;
    return [t(app, "staff.reply_unknown_command", { command: text.split(/\s+/)[0]!.slice(0, 32), reference })];
  }
  if (!parsed.ok && parsed.error === "usage")
    return [
      t(
        app,
        parsed.command === "extend"
          ? "deadlines.staff.usage"
          : parsed.command?.startsWith("commitment_")
            ? `commitments.staff.usage.${parsed.command}`
            : `staff.usage.${parsed.command}`,
      ),
    ];
  if (!parsed.ok && !repliedQuestion) {
    // Officials talking among themselves in the group: stay quiet. In private: show the commands.
    return message.chatKind === "group"
      ? []
      : [`${t(app, "staff.help")}\n${t(app, "deadlines.staff.help_line")}\n${t(app, "commitments.staff.help_line")}`];
  }
  if (!sender.official) return [t(app, "staff.not_official")];
  if (!parsed.ok) return [t(app, "staff.help")];
  return [await runCommand(app, parsed.command, sender.official, sender.groupOfficeKey, message)];
}

async function runCommand(
  app: AppContext,
  command: StaffCommand,
  official: OfficialRow,
  groupOfficeKey: string | undefined,
  message: InboundMessage,
): Promise<string> {
  const actor = officialActor(official);
  switch (command.kind) {
    case "answer":
      if (answerNeedsApproval(actor, app.profile.answerApproval)) {
        const proposed = await auditedProposeAnswer(app, actor, "chat", command.reference, command.text);
        return proposed.ok
          ? t(app, "staff.answer_proposed", { reference: proposed.question.reference })
          : errorText(app, proposed.error);
      }
      return await answerReply(
        app,
        await auditedAnswer(app, actor, "chat", command.reference, command.text),
        command.reference,
      );
    case "reassign": {
      const result = await auditedReassign(app, actor, "chat", command.reference, command.officeKey, command.reason);
      return result.ok
        ? t(app, "staff.reassigned", { reference: command.reference, officeName: officeName(app, command.officeKey) })
        : errorText(app, result.error);
    }
    case "request_info": {
      const result = await auditedRequestInfo(app, actor, "chat", command.reference, command.text);
      return result.ok
        ? t(app, "staff.info_requested", { reference: command.reference })
        : errorText(app, result.error);
    }
    case "extend":
      return extensionReplyText(
        app,
        await auditedExtend(app, actor, "chat", command.reference, command.date, command.reason),
        command.reference,
      );
    case "transfer": {
      const { reference, entityName, entityEmail, reason } = command;
      const result = await auditedTransfer(app, actor, "chat", reference, { entityName, entityEmail, reason });
      if (!result.ok) return errorText(app, result.error);
      return t(app, result.transfer.late ? "staff.transferred_late" : "staff.transferred", {
        reference: result.question.reference,
        toEntity: result.transfer.entityName,
        limitText: dueDateText(result.transfer.limit, DEFAULT_LOCALE),
      });
    }
    case "pending":
      return await pendingList(app, groupOfficeKey ?? official.officeKey);
    case "bind_group":
      return await bindGroup(app, official, command.officeKey, message);
    case "sign_in_link":
      return await signInLinkReply(app, official, message);
    case "commitment_add":
    case "commitment_progress":
    case "commitment_cancel":
    case "commitment_list":
      return await commitmentStaffReply(app, actor, command, groupOfficeKey ?? official.officeKey);
    case "help":
    case "link":
      return `${t(app, "staff.help")}\n${t(app, "deadlines.staff.help_line")}\n${t(app, "commitments.staff.help_line")}`;
  }
}

async function answerReply(
  app: AppContext,
  result: Awaited<ReturnType<typeof answerQuestion>>,
  reference: string,
): Promise<string> {
  if (!result.ok) return errorText(app, result.error);
  // An erased citizen gets nothing: say the answer is on record, not that it will reach them.
  const done = t(app, (await citizenErased(app, result.question)) ? "erased_citizen.answered" : "staff.answered", {
    reference,
  });
  const held = await heldBackAnswer(app, result.question);
  if (held.findings.length === 0) return done;
  const found = personalDataText((key) => t(app, key), held.findings);
  const where = held.link ?? t(app, "staff.answer_held_back_cli", { reference: result.question.reference });
  return `${done}\n${t(app, "staff.answer_held_back", { found, where })}`;
}

function errorText(app: AppContext, error: QuestionError | TransferError): string {
  return t(app, `staff.errors.${error}`);
}

async function pendingList(app: AppContext, officeKey: string | null): Promise<string> {
  if (!officeKey) return t(app, "staff.no_office");
  const today = toLocalDate(new Date(app.clock.nowMs()), app.profile.timezone);
  const open = (await app.repos.questions.list({ officeKey }))
    .filter((q) => q.status === "open" || q.status === "info_requested")
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate))
    .slice(0, 20);
  if (open.length === 0) return t(app, "staff.pending_none", { officeName: officeName(app, officeKey) });
  const lines = open.map((q) => {
    const state = deadlineState({
      status: q.status,
      dueDate: q.dueDate,
      today,
      dueSoonBusinessDays: app.profile.dueSoonBusinessDays,
      calendar: app.calendar,
    });
    return t(app, "staff.pending_item", {
      reference: q.reference,
      dueDateText: dueDateText(q.dueDate, DEFAULT_LOCALE),
      stateText: t(app, `staff.deadline.${state}`),
    });
  });
  return `${t(app, "staff.pending_title", { officeName: officeName(app, officeKey) })}\n${lines.join("\n")}`;
}

/**
 * `/vincular_grupo <office>` in a group: the head of that office (or an admin) binds the group.
 * A group bound to another office is that office's channel for citizens' questions: only an admin
 * may move it (issue 19), and the move is recorded in both offices' history.
 */
async function bindGroup(
  app: AppContext,
  official: OfficialRow,
  officeKey: string,
  message: InboundMessage,
): Promise<string> {
  if (message.chatKind !== "group") return t(app, "staff.bind_only_group");
  const office = await app.repos.offices.get(officeKey);
  if (!office?.active) return t(app, "staff.errors.unknown_office");
  const current = await app.repos.offices.boundTo(message.channel, message.address);
  const decision = canBindGroup(officialActor(official), officeKey, current?.key);
  const entry = { officialId: official.id, action: "office.bind_group", subject: officeKey, via: "chat" as const };
  if (decision !== "allowed") await audit(app, { ...entry, outcome: "refused", after: { error: decision } });
  if (decision === "not_head") return t(app, "staff.bind_not_head");
  if (decision === "owned_by_other") return t(app, "staff.bind_other_office", { officeName: current!.name });
  if (current?.key === officeKey) return t(app, "staff.bound", { officeName: office.name });
  const nowMs = app.clock.nowMs();
  const binding =
    message.channel === "whatsapp" ? { whatsappJid: message.address } : { telegramChatId: message.address };
  const actor = `official:${official.id}`;
  const data = { channel: message.channel, chat: message.address, before: current?.key ?? null, after: officeKey };
  if (current) {
    // A move: the group leaves its office (which stops sending notices there), then joins this one.
    await app.repos.offices.bind(
      current.key,
      message.channel === "whatsapp" ? { whatsappJid: null } : { telegramChatId: null },
      nowMs,
    );
  }
  await app.repos.offices.bind(officeKey, binding, nowMs);
  await audit(app, {
    ...entry,
    outcome: "ok",
    before: { officeKey: current?.key ?? null },
    after: { officeKey, channel: message.channel },
  });
  if (current) {
    await app.repos.offices.addEvent(current.key, "group_moved_out", actor, nowMs, data);
    await app.repos.offices.addEvent(officeKey, "group_moved_in", actor, nowMs, data);
    return t(app, "staff.bound_moved", { officeName: office.name, previousOfficeName: current.name });
  }
  await app.repos.offices.addEvent(officeKey, "group_bound", actor, nowMs, data);
  return t(app, "staff.bound", { officeName: office.name });
}

/** `/acceso`: a one-time back-office link to the official's own chat; in a group, only a pointer to it. */
async function signInLinkReply(app: AppContext, official: OfficialRow, message: InboundMessage): Promise<string> {
  const result = await requestLoginLinkFromChat(app, official);
  if (!result.ok)
    return t(app, `staff.sign_in_link.errors.${result.error}`, { url: `${app.backOfficeUrl ?? ""}/admin/ingresar` });
  const vars = { name: official.name, minutes: LOGIN_LINK_TTL_MS / 60_000 };
  return t(
    app,
    message.chatKind === "group" ? "staff.sign_in_link.sent_from_group" : "staff.sign_in_link.sent_private",
    vars,
  );
}

/** Alphabet without look-alikes (0/O, 1/I/L) so codes can be read aloud or retyped. */
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** Creates a one-time link code for an official; `ttlMs` from now. */
export async function createInvite(
  app: AppContext,
  input: { name: string; officeKey: string | null; role: Role; ttlMs: number },
): Promise<{ code: string; expiresAtMs: number }> {
  const code = Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
  const nowMs = app.clock.nowMs();
  const expiresAtMs = nowMs + input.ttlMs;
  await app.repos.invites.add({
    code,
    officeKey: input.officeKey,
    role: input.role,
    name: input.name,
    createdAtMs: nowMs,
    expiresAtMs,
  });
  return { code, expiresAtMs };
}

/** `/vincular CODE` in a private chat: links this chat account to a new official, once. */
async function linkOfficial(app: AppContext, message: InboundMessage, code: string): Promise<string> {
  if (message.chatKind !== "private") return t(app, "staff.link_private_only");
  const nowMs = app.clock.nowMs();
  const invite = await app.repos.invites.findUnused(code);
  if (!invite || invite.expiresAtMs <= nowMs) return t(app, "staff.link_invalid");
  if (await app.repos.officials.findByAddress(message.channel, message.address)) return t(app, "staff.link_already");
  const official = await app.repos.officials.add(
    {
      name: invite.name,
      officeKey: invite.officeKey,
      role: invite.role,
      channel: message.channel,
      address: message.address,
    },
    nowMs,
  );
  await app.repos.invites.markUsed(invite.id, official.id, nowMs);
  await audit(app, {
    officialId: official.id,
    action: "official.link",
    subject: `official:${official.id}`,
    via: "chat",
    outcome: "ok",
    after: { role: invite.role, officeKey: invite.officeKey, channel: message.channel },
  });
  return t(app, "staff.linked", {
    name: invite.name,
    roleText: t(app, `staff.roles.${invite.role}`),
    officeName: invite.officeKey ? officeName(app, invite.officeKey) : "—",
  });
}
