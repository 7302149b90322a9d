/**
 * A citizen's reply (Telegram "reply", a WhatsApp quote) to an office's request for more
 * information names the question: the text is that information, attached at once and the term
 * restarted (issue 18.3; Ley 1755 de 2015, art. 17). Free text without a reply is attached at
 * once too when one question waits, else the citizen says which (flows/info_reply.yaml).
 */
import type { InboundMessage } from "../../channels/channel.ts";
import type { CitizenContext } from "../../db/repositories/citizens.ts";
import type { Engine, Render, Turn } from "../../engine/engine.ts";
import type { AppContext } from "../context.ts";

/** The question whose information request `message` replies to, if it still waits for this citizen. */
export async function repliedInfoRequest(
  app: AppContext,
  citizen: CitizenContext,
  message: InboundMessage,
): Promise<string | undefined> {
  if (!message.replyToChannelMessageId || citizen.consent !== "granted") return undefined;
  const sent = await app.repos.sentRefs.byChannelMessage(message.channel, message.replyToChannelMessageId);
  const questionId = sent?.kind === "info_request" && sent.citizenId === citizen.citizenId ? sent.questionId : null;
  const question = questionId !== null ? await app.repos.questions.byId(questionId) : undefined;
  return question?.status === "info_requested" && question.citizenId === citizen.citizenId
    ? question.reference
    : undefined;
}

/** The turn attaching `text` to the replied-to question, or undefined when the message is no such reply. */
export async function infoReplyTurn(
  app: AppContext,
  engine: Engine,
  citizen: CitizenContext,
  message: InboundMessage,
  text: string,
  r: Render,
): Promise<Turn | undefined> {
  const reference = await repliedInfoRequest(app, citizen, message);
  return reference ? engine.start("info_reply.direct", { infoReference: reference, infoText: text }, r) : undefined;
}
