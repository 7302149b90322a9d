/**
 * The actions of the survey conversation (flows/survey.yaml): `survey.next` prepares the next
 * question of the run's definition (prompt and options in the citizen's language) or finishes;
 * `survey.record` reads and stores the answer. Both re-check that the survey is still open.
 * `survey.opt_out` is "no más encuestas" typed outside a survey (a global command).
 */
import { interpretAnswer, isOptOut, optionValues, SKIP_VALUE, type SurveyQuestion } from "../../core/surveys/index.ts";
import type { MenuOption } from "../../engine/engine.ts";
import type { ActionContext, ActionDefinition } from "../conversation/action-definition.ts";
import { render } from "../context.ts";
import { answerWords, optionLabelKeys, optionLabelsAllLocales } from "./definitions.ts";
import {
  activeSurvey,
  completeSurvey,
  introVars,
  optOutOfSurveys,
  recordAnswer,
  type ActiveSurvey,
} from "./conversation.ts";

const indexOf = (data: ActionContext["data"]): number => (typeof data.surveyIndex === "number" ? data.surveyIndex : 0);

async function prompt(ctx: ActionContext, active: ActiveSurvey, index: number): Promise<string> {
  const { app, citizen, data } = ctx;
  const t = (key: string, vars: Record<string, unknown> = {}) => render(app, citizen.locale, key, vars);
  const { definition } = active;
  const question = definition.questions[index]!;
  const parts: string[] = [];
  if (data.surveyIntroShown !== true) {
    parts.push(
      t(definition.intro, {
        ...(await introVars(app, active.run)),
        count: definition.questions.length,
        title: t(definition.title),
      }),
    );
    parts.push(t("surveys.flow.how_to_leave"));
  }
  const text = t(question.text);
  parts.push(
    definition.questions.length > 1
      ? t("surveys.flow.numbered", { n: index + 1, total: definition.questions.length, text })
      : text,
  );
  if (question.type === "text")
    parts.push(
      t(question.optional ? "surveys.flow.text_hint_optional" : "surveys.flow.text_hint", { max: question.maxLength }),
    );
  return parts.join("\n\n");
}

function options(ctx: ActionContext, question: SurveyQuestion): MenuOption[] {
  const t = (key: string) => render(ctx.app, ctx.citizen.locale, key);
  const values = optionValues(question);
  const list = optionLabelKeys(question).map((key, i) => ({ value: values[i]!, label: t(key) }));
  return question.optional ? [...list, { value: SKIP_VALUE, label: t("surveys.flow.skip_option") }] : list;
}

export const surveyActions: Record<string, ActionDefinition> = {
  "survey.next": {
    results: ["choice", "text", "done", "gone"],
    run: async (ctx) => {
      const nowMs = ctx.app.clock.nowMs();
      const active = await activeSurvey(ctx.app, ctx.citizen.citizenId, ctx.data.surveyInvitationId, nowMs);
      if (!active) return { result: "gone", clearData: true };
      const index = indexOf(ctx.data);
      const question = active.definition.questions[index];
      if (!question) {
        await completeSurvey(ctx.app, active, nowMs);
        return { result: "done", clearData: true };
      }
      const data = {
        surveyPrompt: await prompt(ctx, active, index),
        surveyIntroShown: true,
        surveyIndex: index,
        surveyAnswer: null,
      };
      if (question.type === "text")
        return { result: "text", data: { ...data, surveyOptions: null, surveyMax: question.maxLength } };
      return { result: "choice", data: { ...data, surveyOptions: options(ctx, question), surveyMax: null } };
    },
  },
  "survey.record": {
    results: ["recorded", "invalid", "required", "too_long", "opted_out", "gone"],
    run: async (ctx) => {
      const { app, citizen, data } = ctx;
      const nowMs = app.clock.nowMs();
      const active = await activeSurvey(app, citizen.citizenId, data.surveyInvitationId, nowMs);
      if (!active) return { result: "gone", clearData: true };
      const index = indexOf(data);
      const question = active.definition.questions[index];
      if (!question) return { result: "recorded" };
      const raw = typeof data.surveyAnswer === "string" ? data.surveyAnswer : "";
      const words = answerWords(app.translator);
      if (isOptOut(raw, words)) {
        await optOutOfSurveys(app, citizen.citizenId, nowMs);
        return { result: "opted_out", clearData: true };
      }
      const answer = interpretAnswer(question, raw, words, optionLabelsAllLocales(app.translator, question));
      if (answer.kind === "invalid")
        return {
          result: answer.problem === "not_an_option" ? "invalid" : answer.problem,
          data: { surveyAnswer: null },
        };
      await recordAnswer(app, active, question.id, answer.kind === "skip" ? null : answer.value, nowMs);
      return { result: "recorded", data: { surveyIndex: index + 1, surveyAnswer: null } };
    },
  },
  /** "No más encuestas" typed anywhere (flows/survey_opt_out.yaml); `already` when said before. */
  "survey.opt_out": {
    results: ["opted_out", "already"],
    run: async ({ app, citizen }) => {
      if (await app.repos.surveys.isOptedOut(citizen.citizenId)) return { result: "already", clearData: true };
      await optOutOfSurveys(app, citizen.citizenId, app.clock.nowMs());
      return { result: "opted_out", clearData: true };
    },
  },
};
