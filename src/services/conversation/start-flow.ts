/**
 * Starting a flow for a citizen who did not just write (a survey taking over an idle
 * conversation): the same steps as an inbound turn — run the flow from `ref` and the actions it
 * reaches, save the citizen's position, queue the reply in the outbox — without an inbound
 * message. Channel-neutral. Call inside the caller's transaction (a scheduled job's).
 */
import type { ConversationState, Engine } from "../../engine/engine.ts";
import { ACTIONS } from "./actions.ts";
import type { ActionContext } from "./action-definition.ts";
import { render, type AppContext } from "../context.ts";
import { commitCitizenTurn, runActions } from "./turn.ts";

export interface StartFlowInput {
  /** `flow.step` to start at. */
  ref: string;
  data?: Record<string, unknown>;
  /** Names the message: starting twice with one key queues it once. */
  idempotencyKey: string;
  /** 0 = a message to one person (default), 1 = part of a bulk sending. */
  priority?: 0 | 1;
  /** When the send's outcome is unknown: a survey is not repeated (`at_most_once`). */
  guarantee?: "at_least_once" | "at_most_once";
  /** The channel to prefer when the citizen has several. */
  channel?: string;
  /** The survey invitation this flow delivers (recorded with the first message). */
  surveyInvitationId?: number;
}

export type StartFlowResult =
  | { ok: true; channel: string; outboxId: number | undefined; state: ConversationState }
  | { ok: false; error: "citizen_not_found" | "unreachable" };

export async function startFlowFor(
  app: AppContext,
  engine: Engine,
  citizenId: number,
  input: StartFlowInput,
): Promise<StartFlowResult> {
  const { repos, clock } = app;
  const row = await repos.citizens.get(citizenId);
  if (!row || row.deletedAtMs !== null) return { ok: false, error: "citizen_not_found" };
  const identities = (await repos.citizens.identities(citizenId)).filter((i) => i.unreachableAtMs === null);
  const identity = identities.find((i) => i.channel === input.channel) ?? identities[0];
  if (!identity) return { ok: false, error: "unreachable" };
  const citizen = (await repos.citizens.findContext(identity.channel, identity.address))!;
  const renderFor = (key: string, vars: Record<string, unknown>) => render(app, citizen.locale, key, vars);

  const where = { channel: identity.channel, address: identity.address };
  const turn = await runActions<ActionContext>(
    engine,
    engine.start(input.ref, input.data ?? {}, renderFor),
    ACTIONS,
    { app, citizen, ...where },
    renderFor,
  );
  const delivery = {
    idempotencyKey: input.idempotencyKey,
    priority: input.priority ?? 0,
    ...(input.guarantee ? { guarantee: input.guarantee } : {}),
    ...(input.surveyInvitationId !== undefined ? { surveyInvitationId: input.surveyInvitationId } : {}),
    ...where,
  };
  const outboxId = await commitCitizenTurn(app, citizenId, undefined, turn, delivery, clock.nowMs());
  return { ok: true, channel: identity.channel, outboxId, state: turn.state };
}
