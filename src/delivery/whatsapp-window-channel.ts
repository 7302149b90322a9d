/**
 * The WhatsApp Cloud channel behind its delivery policy (issue 17): before each send it reads when
 * the recipient last wrote and whether they opted in (repository reads), lets the pure rules in
 * whatsapp-window.ts decide free-form or template, and sends the row as its template when Meta
 * answers 131047 (re-engagement required: the window closed although our record said open).
 * The adapter only renders and sends what it is given.
 */
import type { Logger } from "pino";
import {
  renderNumberedOptions,
  type Channel,
  type MessageOrigin,
  type OutboundMessage,
  type SendResult,
} from "../channels/channel.ts";
import type { Profile } from "../config/profile.ts";
import type { Clock } from "../core/clock.ts";
import type { Repos } from "../db/port.ts";
import {
  decideWhatsAppSend,
  fillTemplate,
  templateDecision,
  templateKindOf,
  type TemplateDecision,
} from "./whatsapp-window.ts";

export interface WhatsAppWindowDeps {
  repos: Pick<Repos, "channelWindows" | "citizens" | "subscriptions" | "questions">;
  profile: Pick<Profile, "name" | "whatsappTemplates">;
  clock: Clock;
  logger: Logger;
}

export function withWhatsAppWindow(inner: Channel, deps: WhatsAppWindowDeps): Channel {
  const { repos, profile, clock, logger } = deps;

  async function optedIn(citizenId: number | null): Promise<boolean> {
    if (citizenId === null) return false;
    return (
      (await repos.citizens.get(citizenId))?.consent === "granted" &&
      (await repos.subscriptions.list(citizenId)).length > 0
    );
  }

  async function questionOf(origin: MessageOrigin) {
    const questionId = origin.questionId ?? Number(/^q:(\d+):/.exec(origin.idempotencyKey)?.[1] ?? NaN);
    return Number.isFinite(questionId) ? await repos.questions.byId(questionId) : undefined;
  }

  async function sendTemplate(
    message: OutboundMessage,
    origin: MessageOrigin,
    decision: TemplateDecision,
  ): Promise<SendResult> {
    const question = await questionOf(origin);
    // The answer template already says "Su petición con radicado X tiene respuesta: …" and how to
    // reply: its text is the answer itself, not the chat message that repeats the radicado and ends
    // with "Escriba MENÚ…" (the whole message stays in the outbox row).
    const text =
      decision.kind === "answer" && question?.answerText
        ? question.answerText
        : renderNumberedOptions(message.text, message.options);
    const template = fillTemplate(decision.template, {
      text,
      reference: question?.reference ?? "-",
      entity: profile.name,
    });
    const result = await inner.send({ address: message.address, text: message.text, template }, origin);
    logger.info({ outboxId: origin.outboxId, template: template.name, ok: result.ok }, "whatsapp_cloud.template_send");
    return result.ok ? { ...result, template: template.name } : result;
  }

  return {
    id: inner.id,
    capabilities: inner.capabilities,
    start: (onInbound) => inner.start(onInbound),
    stop: () => inner.stop(),
    async send(message, origin) {
      if (!origin) return inner.send(message);
      const decision = decideWhatsAppSend({
        nowMs: clock.nowMs(),
        lastInboundMs: await repos.channelWindows.lastInboundMs(inner.id, message.address),
        origin,
        templates: profile.whatsappTemplates,
        optedIn: await optedIn(origin.citizenId),
      });
      if (decision.mode === "refuse")
        return {
          ok: false,
          kind: "permanent",
          reason: "not opted in: bulk messages on WhatsApp need a subscription",
          unreachable: false,
        };
      if (decision.mode === "template") return sendTemplate(message, origin, decision);
      const result = await inner.send(message, origin);
      if (result.ok || result.kind !== "permanent" || result.code !== "window_closed") return result;
      // 131047: Meta's clock says the window closed (our record missed it): the same row goes as its template.
      return sendTemplate(message, origin, templateDecision(templateKindOf(origin), profile.whatsappTemplates));
    },
  };
}
