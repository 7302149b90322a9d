/**
 * The buttons under a question notice, channel-neutral: "answer", "ask for information" and
 * "extension" send a prompt the official answers by replying to it (Telegram shows a forced reply);
 * "reassign" offers the offices as buttons, then prompts for the reason. Only officials allowed to act on the
 * question get a prompt (the same rule the question services apply when the reply arrives).
 */
import { isClosedStatus } from "../../core/deadlines.ts";
import type { InboundMessage } from "../../channels/channel.ts";
import { citizenErased } from "../privacy/erased-questions.ts";
import { canActOnQuestion, officialActor, type QuestionAction } from "../../core/authorization.ts";
import { formatStaffButtonAction, parseStaffButtonAction, type StaffCommand } from "../../core/staff-commands.ts";
import type { OfficialRow } from "../../db/repositories/officials.ts";
import type { OutboxPayload } from "../../db/repositories/outbox.ts";
import type { QuestionRow } from "../../db/repositories/questions.ts";
import { DEFAULT_LOCALE } from "../../i18n/index.ts";
import { dueDateText, officeName, type AppContext, staffText } from "../context.ts";
import { extensionLimitOf } from "../deadlines/extension.ts";
import { fitsButton } from "../questions/office-notices.ts";

/** One message back to the chat an official wrote from. */
export interface StaffReply {
  text: string;
  buttons?: OutboxPayload["buttons"];
  forceReply?: boolean;
  /** The question the message is about: an official's reply to it acts on that question. */
  questionId?: number;
  /** What a reply to this message does (answer, ask for information, reassign). */
  staffPrompt?: OutboxPayload["staffPrompt"];
  /** Quote this message rather than the one that triggered the reply. */
  replyToChannelMessageId?: string;
}

const t = staffText;

// An extension is decided by whoever may answer (src/services/deadlines/extension.ts).
const PERMISSION: Record<string, QuestionAction> = {
  answer: "answer",
  request_info: "request_info",
  reassign: "reassign",
  reassign_to: "reassign",
  extend: "answer",
};

/** A button pressed under a notice (or under the office chooser). Changes nothing by itself. */
export async function handleStaffButton(
  app: AppContext,
  message: InboundMessage,
  official: OfficialRow | undefined,
): Promise<StaffReply[]> {
  const action = parseStaffButtonAction(message.button?.action ?? "");
  if (!action) return [{ text: t(app, "staff_buttons.stale") }];
  if (!official) return [{ text: t(app, "staff.not_official") }];
  const question = await app.repos.questions.byId(action.questionId);
  if (!question) return [{ text: t(app, "staff.errors.question_not_found") }];
  if (!canActOnQuestion(officialActor(official), PERMISSION[action.kind]!, question.officeKey))
    return [{ text: t(app, "staff.errors.not_allowed") }];
  if (isClosedStatus(question.status)) return [{ text: t(app, "staff.errors.already_closed") }];
  const quote = message.button?.onChannelMessageId;
  const vars = { reference: question.reference, name: official.name };
  switch (action.kind) {
    case "answer":
      return [
        prompt(
          question,
          t(
            app,
            (await citizenErased(app, question)) ? "erased_citizen.answer_prompt" : "staff_buttons.answer_prompt",
            vars,
          ),
          { kind: "answer" },
          quote,
        ),
      ];
    case "request_info":
      return [prompt(question, t(app, "staff_buttons.request_info_prompt", vars), { kind: "request_info" }, quote)];
    case "reassign":
      return [await officeChooser(app, question, quote)];
    case "extend": {
      const text = t(app, "staff_buttons.extend_prompt", {
        ...vars,
        dueDateText: dueDateText(question.dueDate, DEFAULT_LOCALE),
        limitDate: await extensionLimitOf(app, question),
      });
      return [prompt(question, text, { kind: "extend" }, quote)];
    }
    case "reassign_to": {
      const office = await app.repos.offices.get(action.officeKey);
      if (!office?.active) return [{ text: t(app, "staff.errors.unknown_office") }];
      if (office.key === question.officeKey) return [{ text: t(app, "staff.errors.same_office") }];
      const text = t(app, "staff_buttons.reassign_prompt", { ...vars, officeName: officeName(app, office.key) });
      return [prompt(question, text, { kind: "reassign", officeKey: office.key }, quote)];
    }
  }
}

function prompt(
  question: QuestionRow,
  text: string,
  staffPrompt: NonNullable<StaffReply["staffPrompt"]>,
  quote: string | undefined,
): StaffReply {
  return {
    text,
    forceReply: true,
    questionId: question.id,
    staffPrompt,
    ...(quote ? { replyToChannelMessageId: quote } : {}),
  };
}

async function officeChooser(app: AppContext, question: QuestionRow, quote: string | undefined): Promise<StaffReply> {
  const active = new Set((await app.repos.offices.list()).filter((o) => o.active).map((o) => o.key));
  const buttons = app.profile.offices
    .filter((o) => o.key !== question.officeKey && active.has(o.key))
    .map((o) => ({
      label: o.name,
      action: formatStaffButtonAction({ kind: "reassign_to", questionId: question.id, officeKey: o.key }),
    }))
    .filter((b) => fitsButton(b.action))
    .sort((a, b) => a.label.localeCompare(b.label, "es"));
  return {
    text: t(app, "staff_buttons.choose_office", { reference: question.reference }),
    buttons,
    ...(quote ? { replyToChannelMessageId: quote } : {}),
  };
}

/** The command an official's reply to a prompt (or to a notice, which means "answer") stands for. */
export function commandForReply(prompt: StaffReply["staffPrompt"], reference: string, text: string): StaffCommand {
  switch (prompt?.kind) {
    case "request_info":
      return { kind: "request_info", reference, text };
    case "reassign":
      return { kind: "reassign", reference, officeKey: prompt.officeKey ?? "", reason: text };
    case "extend": {
      // "2026-04-07 motivo…": the new date first, then the reason.
      const [date = "", ...reason] = text.trim().split(/\s+/);
      return { kind: "extend", reference, date, reason: reason.join(" ") };
    }
    default:
      return { kind: "answer", reference, text };
  }
}
