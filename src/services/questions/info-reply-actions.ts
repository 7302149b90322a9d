/**
 * Answering an office's request for more information without hunting for a menu option (issue
 * 18.3; Ley 1755 de 2015, art. 17). Free text at the menu, from a citizen with exactly one question
 * waiting for information, IS that information: attached at once, the term restarted, and the
 * confirmation names the way out (it was a new question: NUEVA PREGUNTA). With several questions
 * waiting, a menu asks which one, or whether it is a new question, or nothing. A Telegram reply to
 * the request itself names the question: attached at once too (src/services/questions/info-reply.ts).
 */
import type { MenuOption } from "../../engine/engine.ts";
import type { ActionDefinition } from "../conversation/action-definition.ts";
import { dueDateText, officeName, render, type AppContext } from "../context.ts";
import { provideInfo } from "./questions.ts";
import type { QuestionRow } from "../../db/repositories/questions.ts";
import { mapInOrder } from "../../core/in-order.ts";

const NEW_QUESTION = "_new";
const CANCEL = "_cancel";

const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** What the office asked, as recorded in the question's history. */
export async function infoRequestText(app: AppContext, questionId: number): Promise<string> {
  const request = await app.repos.questions.lastEvent(questionId, "info_requested");
  const parsed = request ? (JSON.parse(request.data) as { request?: string }) : {};
  return parsed.request ?? "";
}

async function pendingOf(app: AppContext, citizenId: number): Promise<QuestionRow[]> {
  return await app.repos.questions.list({ citizenId, status: "info_requested" });
}

export const infoReplyActions: Record<string, ActionDefinition> = {
  "info_reply.pending": {
    results: ["none", "one", "many"],
    run: async ({ app, citizen, data }) => {
      const pending = await pendingOf(app, citizen.citizenId);
      if (pending.length === 0) return { result: "none" };
      if (pending.length === 1)
        return { result: "one", data: { infoReference: pending[0]!.reference, infoText: str(data.questionText) } };
      const t = (key: string, vars: Record<string, unknown>) =>
        render(app, citizen.locale, `citizen_flow.info_reply.${key}`, vars);
      const requests = (
        await mapInOrder(pending, async (q) =>
          t("request_line", {
            reference: q.reference,
            officeName: officeName(app, q.officeKey),
            request: await infoRequestText(app, q.id),
          }),
        )
      ).join("\n");
      const options: MenuOption[] = [
        ...pending.map((q) => ({
          value: q.reference,
          label: t("option_send_to", { reference: q.reference, officeName: officeName(app, q.officeKey) }),
        })),
        { value: NEW_QUESTION, label: t("option_new_question", {}) },
        { value: CANCEL, label: t("option_cancel", {}) },
      ];
      return { result: "many", data: { infoRequests: requests, infoReplyOptions: options } };
    },
  },
  "info_reply.choose": {
    results: ["provided", "new_question", "cancelled", "not_found"],
    run: async ({ app, citizen, data }) => {
      const choice = str(data.infoReplyChoice);
      const cleared = { infoReplyChoice: null, infoReplyOptions: null, infoRequests: null };
      if (choice === NEW_QUESTION) return { result: "new_question", data: cleared };
      if (choice === CANCEL) return { result: "cancelled", clearData: true };
      const outcome = await provideInfo(app, citizen.citizenId, choice, str(data.questionText));
      if (!outcome.ok) return { result: "not_found", clearData: true };
      return {
        result: "provided",
        clearData: true,
        data: { reference: outcome.question.reference, dueDateText: dueDateText(outcome.due.dueDate, citizen.locale) },
      };
    },
  },
  "info_reply.provide": {
    results: ["provided", "not_found"],
    run: async ({ app, citizen, data }) => {
      const outcome = await provideInfo(app, citizen.citizenId, str(data.infoReference), str(data.infoText));
      if (!outcome.ok) return { result: "not_found", clearData: true };
      return {
        result: "provided",
        clearData: true,
        data: { reference: outcome.question.reference, dueDateText: dueDateText(outcome.due.dueDate, citizen.locale) },
      };
    },
  },
};
