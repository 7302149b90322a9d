/**
 * Results of a survey from its invitations and responses: response rate, and per question the
 * mean and distribution of a scale, yes/no counts, counts per choice, free-text comments. Pure:
 * the same function serves one run, an office (many answer surveys) and an event (chat + paper).
 */
import { optionValues } from "./answers.ts";
import type { QuestionType, SurveyQuestion } from "./definition.ts";

export interface InvitationTally {
  /** Invitations created (one per citizen per run). */
  invited: number;
  /** Invitations whose survey reached the citizen's chat. */
  delivered: number;
}

export interface ResponseRecord {
  source: "chat" | "paper";
  completed: boolean;
  /** Question id → stored value; `null` = skipped. A question not reached is absent. */
  answers: Readonly<Record<string, string | null>>;
}

export interface ValueCount {
  value: string;
  count: number;
  /** count / answered, 0..1 (0 when nobody answered). */
  share: number;
}

export interface QuestionResult {
  id: string;
  type: QuestionType;
  text: string;
  /** Responses with a value for this question. */
  answered: number;
  skipped: number;
  /** Scale: the mean of 1..5, rounded to 2 decimals; null without answers. */
  mean?: number | null;
  /** Scale, yes/no and choice: one entry per option, in the definition's order. */
  distribution?: ValueCount[];
  /** Free text: the comments, in response order. */
  comments?: string[];
}

export interface SurveyResults {
  invited: number;
  delivered: number;
  responses: number;
  chatResponses: number;
  paperResponses: number;
  completed: number;
  /** Chat responses / delivered invitations, 0..1; null when nothing was delivered. Paper has no invitations. */
  responseRate: number | null;
  questions: QuestionResult[];
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export function aggregateResponses(
  questions: readonly SurveyQuestion[],
  tally: InvitationTally,
  responses: readonly ResponseRecord[],
): SurveyResults {
  const chatResponses = responses.filter((r) => r.source === "chat").length;
  return {
    invited: tally.invited,
    delivered: tally.delivered,
    responses: responses.length,
    chatResponses,
    paperResponses: responses.length - chatResponses,
    completed: responses.filter((r) => r.completed).length,
    responseRate: tally.delivered > 0 ? round(chatResponses / tally.delivered, 4) : null,
    questions: questions.map((q) => questionResult(q, responses)),
  };
}

function questionResult(question: SurveyQuestion, responses: readonly ResponseRecord[]): QuestionResult {
  const values: string[] = [];
  let skipped = 0;
  for (const response of responses) {
    if (!(question.id in response.answers)) continue;
    const value = response.answers[question.id];
    if (value === null || value === undefined) skipped++;
    else values.push(value);
  }
  const result: QuestionResult = {
    id: question.id,
    type: question.type,
    text: question.text,
    answered: values.length,
    skipped,
  };
  if (question.type === "text") return { ...result, comments: values };
  const known = optionValues(question);
  const counted = values.filter((v) => known.includes(v));
  const distribution = known.map((value) => {
    const count = counted.filter((v) => v === value).length;
    return { value, count, share: counted.length ? round(count / counted.length, 4) : 0 };
  });
  // Values a newer definition no longer has are left out of the counts.
  const withDistribution = { ...result, answered: counted.length, distribution };
  if (question.type !== "scale") return withDistribution;
  const mean = counted.length ? round(counted.reduce((sum, v) => sum + Number(v), 0) / counted.length, 2) : null;
  return { ...withDistribution, mean };
}
