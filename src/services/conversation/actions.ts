/**
 * The actions flows may call, by name. Each declares the results it returns, so the flow validator
 * can check that every result is handled. Actions run inside the inbound message's transaction.
 */
import { textLength } from "../../core/text-length.ts";
import type { RequestType } from "../../config/profile.ts";
import { REQUEST_TYPES } from "../../config/profile.ts";
import type { MenuOption } from "../../engine/engine.ts";
import { dueDateText, officeName, officeSubject, render, type AppContext } from "../context.ts";
import { recordConsent, eraseCitizen } from "../privacy/consent.ts";
import { noticeErasureToOffices, stillOpen } from "../privacy/erased-questions.ts";
import { attachmentsFromData, fileQuestion, findOwnQuestion, provideInfo } from "../questions/questions.ts";
import { transferOf } from "../questions/transfer.ts";
import { toLocalDate } from "../../core/calendar/index.ts";
import { surveyActions } from "../surveys/actions.ts";
import { commitmentActions } from "../commitments/actions.ts";
import { eventActions } from "../events/actions.ts";
import { unsubscribeActions } from "../events/unsubscribe-actions.ts";
import { infoReplyActions } from "../questions/info-reply-actions.ts";
import { eventWizardActions } from "../events/wizard-actions.ts";
import { publicSiteActions } from "./public-site-actions.ts";
import { newcomerActions } from "./newcomer-actions.ts";
import type { ActionDefinition } from "./action-definition.ts";

const ALL_TOPICS = "_all";
/** Shortest free text taken as a question (shorter is a greeting). */
export const MIN_QUESTION_LENGTH = 12;
/** Longest question text, as flows/ask.yaml's prompt validates it. */
export const MAX_QUESTION_LENGTH = 3000;
/**
 * Conversation variable holding a question typed before consent. It lives only while the consent
 * flow runs (src/services/conversation/inbound.ts drops it anywhere else) and is gone on refusal.
 */
export const PRE_CONSENT_TEXT = "preConsentText";
const PREVIEW_LENGTH = 200;

/** The start of a citizen's text, to quote back to them. */
function preview(text: string): string {
  return text.length <= PREVIEW_LENGTH ? text : `${text.slice(0, PREVIEW_LENGTH - 1).trimEnd()}…`;
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** Topics for the citizen: each office as the subject it deals with, not its name (issue 18, point 12). */
function officeOptions(app: AppContext, keys: readonly string[], locale: string): MenuOption[] {
  return keys.map((key) => ({ value: key, label: officeSubject(app, key, locale) }));
}

function allOfficeOptions(app: AppContext, locale: string): MenuOption[] {
  const keys = app.profile.offices
    .map((o) => o.key)
    .sort((a, b) => officeSubject(app, a, locale).localeCompare(officeSubject(app, b, locale), locale));
  return officeOptions(app, keys, locale);
}

const consentActions: Record<string, ActionDefinition> = {
  "consent.check": {
    results: ["granted", "missing"],
    run: ({ citizen, data }) =>
      citizen.consent === "granted"
        ? { result: "granted" }
        : // Nothing personal before consent (DESIGN.md invariant 4): a question already typed waits in
          // the conversation only, while the consent flow runs (see keepPreConsentText), to be offered
          // for filing once the citizen consents (issue 18, point 4).
          {
            result: "missing",
            data: { questionText: null, [PRE_CONSENT_TEXT]: str(data.questionText) || null, afterConsent: "ask" },
          },
  },
  "consent.grant": {
    results: ["granted"],
    run: async (ctx) => {
      await recordConsent(ctx.app, ctx.citizen, "granted", ctx.channel);
      return { result: "granted" };
    },
  },
  "consent.refuse": {
    results: ["refused"],
    run: async (ctx) => {
      await recordConsent(ctx.app, ctx.citizen, "refused", ctx.channel);
      return { result: "refused", clearData: true };
    },
  },
  "consent.revoke": {
    results: ["revoked", "not_granted"],
    run: async (ctx) => {
      if (ctx.citizen.consent !== "granted") return { result: "not_granted" };
      await recordConsent(ctx.app, ctx.citizen, "revoked", ctx.channel);
      return { result: "revoked", clearData: true };
    },
  },
  "consent.resume": {
    results: ["ask", "offer", "menu"],
    run: ({ data }) => {
      const typed = str(data[PRE_CONSENT_TEXT]);
      if (typed)
        return {
          result: "offer",
          data: { afterConsent: null, [PRE_CONSENT_TEXT]: null, questionText: typed, questionPreview: preview(typed) },
        };
      return { result: data.afterConsent === "ask" ? "ask" : "menu", data: { afterConsent: null } };
    },
  },
  "citizen.set_language": {
    results: ["changed"],
    run: async ({ app, citizen, data }) => {
      const locale = str(data.language);
      if (app.translator.supports(locale)) {
        await app.repos.citizens.setLocale(citizen.citizenId, locale);
        citizen.locale = locale;
      }
      return { result: "changed", data: { language: null } };
    },
  },
  "citizen.delete_data": {
    results: ["deleted"],
    run: async ({ app, citizen }) => {
      const open = stillOpen(await app.repos.questions.list({ citizenId: citizen.citizenId }));
      await eraseCitizen(app, citizen.citizenId);
      // Their open petitions still have to be answered; their offices learn it cannot be by chat.
      await noticeErasureToOffices(app, open, app.clock.nowMs());
      return { result: "deleted", clearData: true, erased: true };
    },
  },
  "conversation.reset": {
    results: ["done"],
    run: () => ({ result: "done", clearData: true }),
  },
};

const askActions: Record<string, ActionDefinition> = {
  "question.check_text": {
    results: ["ok", "too_short"],
    run: ({ data }) =>
      textLength(str(data.questionText).trim()) >= MIN_QUESTION_LENGTH
        ? { result: "ok" }
        : { result: "too_short", data: { questionText: null } },
  },
  "question.route": {
    results: ["confident", "unsure"],
    run: async ({ app, citizen, data }) => {
      await app.learnNewCorrections();
      const candidates = (await app.router()).route(str(data.questionText), 3);
      const top = candidates[0];
      const topicOptions = [
        ...officeOptions(
          app,
          candidates.map((c) => c.officeKey),
          citizen.locale,
        ),
        { value: ALL_TOPICS, label: render(app, citizen.locale, "ask.all_topics") },
      ];
      // The full office list is only built if the citizen asks for it (pick_topic): it is most of
      // the conversation's saved data otherwise, rewritten on every message.
      const shared = { topicOptions };
      if (top && top.score >= app.profile.routing.confirmThreshold) {
        return {
          result: "confident",
          data: {
            ...shared,
            officeKey: top.officeKey,
            officeName: officeName(app, top.officeKey),
            subject: officeSubject(app, top.officeKey, citizen.locale),
            routeScore: top.score,
          },
        };
      }
      return { result: "unsure", data: { ...shared, officeKey: null, routeScore: top?.score ?? 0 } };
    },
  },
  "question.pick_topic": {
    results: ["picked", "show_all"],
    run: ({ app, citizen, data }) => {
      const choice = str(data.topicChoice);
      if (choice === ALL_TOPICS || !app.profile.offices.some((o) => o.key === choice))
        return { result: "show_all", data: { allTopicOptions: allOfficeOptions(app, citizen.locale) } };
      return {
        result: "picked",
        data: {
          officeKey: choice,
          officeName: officeName(app, choice),
          topicChoice: null,
          topicOptions: null,
          allTopicOptions: null,
        },
      };
    },
  },
  "question.file": {
    results: ["filed", "missing_consent"],
    run: async ({ app, citizen, channel, data }) => {
      const requestType = (REQUEST_TYPES as readonly string[]).includes(str(data.requestType))
        ? (str(data.requestType) as RequestType)
        : "general";
      const outcome = await fileQuestion(app, {
        citizenId: citizen.citizenId,
        channel,
        text: str(data.questionText),
        officeKey: str(data.officeKey),
        requestType,
        attachments: attachmentsFromData(data.attachments),
      });
      if (!outcome.ok)
        return {
          result: "missing_consent",
          data: { afterConsent: "ask", questionText: null, [PRE_CONSENT_TEXT]: str(data.questionText) || null },
        };
      return {
        result: "filed",
        clearData: true,
        data: {
          reference: outcome.question.reference,
          officeName: officeName(app, outcome.question.officeKey),
          dueDateText: dueDateText(outcome.due.dueDate, citizen.locale),
        },
      };
    },
  },
};

const followActions: Record<string, ActionDefinition> = {
  "question.status": {
    results: ["found", "transferred", "not_found", "malformed"],
    run: async ({ app, citizen, data }) => {
      const found = await findOwnQuestion(app, citizen.citizenId, str(data.referenceInput));
      if (found.kind === "malformed") return { result: "malformed", data: { referenceInput: null } };
      if (found.kind === "not_found")
        return { result: "not_found", data: { reference: found.reference, referenceInput: null } };
      const q = found.question;
      // Sent to the competent entity (art. 21): who answers now and since when, not the old due date.
      const transfer = await transferOf(app, q);
      if (transfer)
        return {
          result: "transferred",
          data: {
            referenceInput: null,
            reference: q.reference,
            toEntity: transfer.entityName,
            dateText: dueDateText(toLocalDate(new Date(transfer.atMs), app.profile.timezone), citizen.locale),
          },
        };
      return {
        result: "found",
        data: {
          referenceInput: null,
          reference: q.reference,
          officeName: officeName(app, q.officeKey),
          statusText: app.translator.t(citizen.locale, `question_status.${q.status}`),
          dueDateText: dueDateText(q.dueDate, citizen.locale),
        },
      };
    },
  },
  "question.list_mine": {
    results: ["some", "none"],
    run: async ({ app, citizen }) => {
      const mine = await app.repos.questions.list({ citizenId: citizen.citizenId, limit: 10 });
      if (mine.length === 0) return { result: "none" };
      const list = mine
        .map((q) =>
          render(app, citizen.locale, "mine.item", {
            reference: q.reference,
            officeName: officeName(app, q.officeKey),
            statusText: app.translator.t(citizen.locale, `question_status.${q.status}`),
          }),
        )
        .join("\n");
      return { result: "some", data: { list } };
    },
  },
  "question.list_info_requested": {
    results: ["one", "many", "none"],
    run: async ({ app, citizen }) => {
      const pending = await app.repos.questions.list({ citizenId: citizen.citizenId, status: "info_requested" });
      if (pending.length === 0) return { result: "none" };
      if (pending.length > 1)
        return {
          result: "many",
          data: {
            infoOptions: pending.map((q) => ({
              value: q.reference,
              label: `${q.reference} — ${officeName(app, q.officeKey)}`,
            })),
          },
        };
      return { result: "one", data: await infoRequestVars(app, pending[0]!.id, pending[0]!.reference) };
    },
  },
  "question.select_info_request": {
    results: ["selected", "not_found"],
    run: async ({ app, citizen, data }) => {
      const q = await app.repos.questions.byReference(str(data.infoReference));
      if (!q || q.citizenId !== citizen.citizenId || q.status !== "info_requested") return { result: "not_found" };
      return { result: "selected", data: await infoRequestVars(app, q.id, q.reference) };
    },
  },
  "question.provide_info": {
    results: ["provided", "not_found"],
    run: async ({ app, citizen, data }) => {
      const outcome = await provideInfo(app, citizen.citizenId, str(data.infoReference), str(data.infoText));
      if (!outcome.ok) return { result: "not_found", clearData: true };
      return {
        result: "provided",
        clearData: true,
        data: { dueDateText: dueDateText(outcome.due.dueDate, citizen.locale) },
      };
    },
  },
};

async function infoRequestVars(
  app: AppContext,
  questionId: number,
  reference: string,
): Promise<Record<string, unknown>> {
  const request = await app.repos.questions.lastEvent(questionId, "info_requested");
  const parsed = request ? (JSON.parse(request.data) as { request?: string }) : {};
  return { infoReference: reference, infoRequest: parsed.request ?? "", infoOptions: null };
}

export const ACTIONS: Readonly<Record<string, ActionDefinition>> = {
  ...consentActions,
  ...askActions,
  ...followActions,
  ...surveyActions,
  ...commitmentActions,
  ...eventActions,
  ...unsubscribeActions,
  ...infoReplyActions,
  ...publicSiteActions,
  ...newcomerActions,
};

/** Action name → results, for the flow validator. */
export const ACTION_RESULTS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  // The staff event wizard's actions run in officials' chats (src/services/events/wizard.ts), not here.
  [...Object.entries(ACTIONS), ...Object.entries(eventWizardActions)].map(([name, def]) => [name, def.results]),
);
