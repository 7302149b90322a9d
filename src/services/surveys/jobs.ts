/**
 * The scheduled jobs of surveys (handlers in ./surveys.ts) and the planner the question lifecycle
 * calls. Kept apart from the handlers so src/services/questions/questions.ts imports only this. Payloads
 * hold ids, never personal data.
 */
import type { AppContext } from "../context.ts";

export const SURVEY_JOB_KINDS = {
  /** A question was answered: start its answer surveys. Payload { questionId }. */
  questionAnswered: "survey.question_answered",
  /** Deliver one invitation once the citizen is idle (or expire it). Payload { invitationId }. */
  deliver: "survey.deliver",
  /** Close a run: pending and unanswered invitations expire. Payload { runId }. */
  expire: "survey.expire",
  /** Look for events that ended and start their surveys; plans the next look. Payload {}. */
  eventSweep: "survey.event_sweep",
} as const;

/**
 * Plans the answer surveys of a question just answered ("was the answer clear", and days later
 * "was the matter resolved"). Call inside the answering transaction. Idempotent.
 */
export async function planAnswerSurveys(
  app: Pick<AppContext, "repos">,
  questionId: number,
  nowMs: number,
): Promise<void> {
  await app.repos.jobs.plan(
    {
      key: `survey:answered:q${questionId}`,
      kind: SURVEY_JOB_KINDS.questionAnswered,
      runAtMs: nowMs,
      payload: { questionId },
    },
    nowMs,
  );
}
