/** Queuing messages to a citizen through the outbox, in their language, on the channel they used. */
import type { QuestionRow } from "../../db/repositories/questions.ts";
import {
  dueDateText,
  officeName,
  render,
  type AppContext,
  type OfficeNameContext,
  type TextContext,
} from "../context.ts";

/** What notifying a citizen reads: their chats (ports), the clock, texts and office names. */
export type NotifyContext = Pick<AppContext, "repos" | "clock"> & TextContext & OfficeNameContext;
import { enqueueAbout } from "../sent-messages.ts";

/**
 * Queues `textKey` for the citizen who filed `question`, with the question's radicado, office and
 * due date available to the text. Does nothing for a citizen who deleted their data or cannot be
 * reached. `idempotencyKey` names the logical message: the same key is never sent twice. `legal`
 * marks what a citizen must get (an answer, an information request, an extension, a withdrawal,
 * Ley 1755 de 2015): if their chat is unreachable, it is delivered again when they write. `kind`
 * records what the message is (an information request the citizen may answer by replying to it).
 * `vars` may depend on the citizen's language (dates, optional lines rendered from other keys).
 */
export async function notifyCitizen(
  app: NotifyContext,
  question: QuestionRow,
  idempotencyKey: string,
  textKey: string,
  vars: Record<string, unknown> | ((locale: string) => Record<string, unknown>),
  options: { legal?: boolean; kind?: "citizen_notice" | "info_request" } = {},
): Promise<boolean> {
  const citizen = await app.repos.citizens.get(question.citizenId);
  if (!citizen || citizen.deletedAtMs !== null) return false;
  const identities = (await app.repos.citizens.identities(question.citizenId)).filter(
    (i) => i.unreachableAtMs === null,
  );
  const identity = identities.find((i) => i.channel === question.channel) ?? identities[0];
  if (!identity) return false;
  const text = render(app, citizen.locale, textKey, {
    reference: question.reference,
    officeName: officeName(app, question.officeKey),
    dueDateText: dueDateText(question.dueDate, citizen.locale),
    ...(typeof vars === "function" ? vars(citizen.locale) : vars),
  });
  await enqueueAbout(
    app,
    {
      idempotencyKey,
      channel: identity.channel,
      address: identity.address,
      citizenId: citizen.id,
      payload: { text },
      questionId: question.id,
      legal: options.legal === true,
    },
    { kind: options.kind ?? "citizen_notice", questionId: question.id, citizenId: citizen.id },
    app.clock.nowMs(),
  );
  return true;
}
