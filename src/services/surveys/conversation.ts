/**
 * The chat side of a survey: which survey a conversation is answering (still open?), recording
 * each answer, finishing, and "no más encuestas". Called by the survey.* actions inside the
 * inbound message's transaction. One response per invitation, one invitation per citizen and
 * run: a citizen cannot answer one run twice.
 */
import { definitionOf, type SurveyDefinition } from "../../core/surveys/index.ts";
import type { SurveyInvitationRow, SurveyRunRow } from "../../db/repositories/surveys.ts";
import { officeName, render, type AppContext } from "../context.ts";
import { optionLabelKeys } from "./definitions.ts";

/** Where the survey conversation starts (flows/survey.yaml). */
export const SURVEY_FLOW = "survey";
export const SURVEY_START = "survey.start";

export interface ActiveSurvey {
  run: SurveyRunRow;
  invitation: SurveyInvitationRow;
  definition: SurveyDefinition;
}

/** The survey a citizen is answering, if it is still theirs, delivered, and open at `nowMs`. */
export async function activeSurvey(
  app: AppContext,
  citizenId: number,
  invitationId: unknown,
  nowMs: number,
): Promise<ActiveSurvey | undefined> {
  if (typeof invitationId !== "number") return undefined;
  const repo = app.repos.surveys;
  const invitation = await repo.invitationById(invitationId);
  if (!invitation || invitation.citizenId !== citizenId || invitation.status !== "delivered") return undefined;
  const run = await repo.runById(invitation.runId);
  if (!run || run.closedAtMs !== null || nowMs >= run.expiresAtMs) return undefined;
  return { run, invitation, definition: definitionOf(run) };
}

async function responseId(app: AppContext, active: ActiveSurvey, nowMs: number): Promise<number> {
  const repo = app.repos.surveys;
  return (
    (await repo.responseOfInvitation(active.invitation.id))?.id ??
    (await repo.createResponse({ runId: active.run.id, invitationId: active.invitation.id, source: "chat" }, nowMs))
  );
}

/** Records one answer (`null` = skipped). A question answered before keeps its first answer. */
export async function recordAnswer(
  app: AppContext,
  active: ActiveSurvey,
  questionId: string,
  value: string | null,
  nowMs: number,
): Promise<void> {
  await app.repos.surveys.addAnswer(await responseId(app, active, nowMs), questionId, value, nowMs);
}

/** The last question was answered: the response is complete and the invitation closed. */
export async function completeSurvey(app: AppContext, active: ActiveSurvey, nowMs: number): Promise<void> {
  const repo = app.repos.surveys;
  await repo.completeResponse(await responseId(app, active, nowMs), nowMs);
  await repo.setInvitationStatus(active.invitation.id, ["delivered"], { status: "completed", finishedAtMs: nowMs });
}

/** "No más encuestas": no further invitations; this one and any waiting are cancelled. */
export async function optOutOfSurveys(app: AppContext, citizenId: number, nowMs: number): Promise<void> {
  const repo = app.repos.surveys;
  await repo.optOut(citizenId, nowMs);
  for (const invitation of await repo.invitationsOfCitizen(citizenId)) {
    await repo.setInvitationStatus(invitation.id, ["pending", "delivered"], {
      status: "cancelled",
      cancelReason: "opted_out",
      finishedAtMs: nowMs,
    });
  }
}

/** Variables the survey's intro may use: what it is about. */
export async function introVars(
  app: AppContext,
  run: Pick<SurveyRunRow, "questionId" | "officeKey" | "eventId">,
): Promise<Record<string, unknown>> {
  const vars: Record<string, unknown> = {};
  if (run.questionId !== null) vars.reference = (await app.repos.questions.byId(run.questionId))?.reference ?? "";
  if (run.officeKey !== null) vars.officeName = officeName(app, run.officeKey);
  if (run.eventId !== null) vars.eventTitle = (await app.repos.surveys.eventById(run.eventId))?.title ?? "";
  return vars;
}

/** Every locale key of a survey the citizen reads: title, intro, questions and option labels. */
export function surveyTextKeys(definition: SurveyDefinition): string[] {
  return [definition.title, definition.intro, ...definition.questions.flatMap((q) => [q.text, ...optionLabelKeys(q)])];
}

/**
 * The variables of the survey's texts that a run about `subject` cannot fill, in any language: an
 * answer survey sent to a segment has no {{reference}} (issue 18, point 9). Empty when every text
 * renders whole. Uses the same variables as the survey conversation (introVars, count, title).
 */
export async function unfilledSurveyVariables(
  app: AppContext,
  definition: SurveyDefinition,
  subject: Pick<SurveyRunRow, "questionId" | "officeKey" | "eventId">,
): Promise<string[]> {
  const vars = { ...(await introVars(app, subject)), count: definition.questions.length, title: definition.title };
  const missing = new Set<string>();
  for (const locale of app.translator.locales) {
    for (const key of surveyTextKeys(definition)) {
      for (const match of render(app, locale, key, vars).matchAll(LEFTOVER_PLACEHOLDER)) missing.add(match[1]!);
    }
  }
  return [...missing].sort();
}

const LEFTOVER_PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Erases what a citizen wrote in surveys (Ley 1581 de 2012): free-text answers are deleted and
 * waiting invitations cancelled. Scale, yes/no and choice answers stay as anonymous counts.
 */
export async function eraseSurveyData(app: Pick<AppContext, "repos">, citizenId: number, nowMs: number): Promise<void> {
  const repo = app.repos.surveys;
  const textKeys = new Map<number, string[]>();
  for (const invitation of await repo.invitationsOfCitizen(citizenId)) {
    await repo.setInvitationStatus(invitation.id, ["pending", "delivered"], {
      status: "cancelled",
      cancelReason: "deleted",
      finishedAtMs: nowMs,
    });
    if (textKeys.has(invitation.runId)) continue;
    const run = (await repo.runById(invitation.runId))!;
    textKeys.set(
      run.id,
      definitionOf(run)
        .questions.filter((q) => q.type === "text")
        .map((q) => q.id),
    );
  }
  await repo.deleteAnswersOfCitizen(citizenId, textKeys);
}
