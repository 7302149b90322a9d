/**
 * When a survey may reach a citizen: never in the middle of a conversation (it waits until the
 * citizen is idle), never in the profile's quiet hours, never after the run expired. Pure: the
 * conversation, the clock reading and the rules are parameters.
 */

export interface ConversationSnapshot {
  flowId: string;
  stepId: string;
  updatedAtMs: number;
}

export interface IdleRule {
  /** Steps where nothing is pending: the engine's idle marker and the idle menu (`flow.step`). */
  idleSteps: readonly string[];
  /** At an idle step, how long after the last turn (the citizen may be about to type). */
  settleMs: number;
  /** Anywhere else, how long untouched before the conversation counts as abandoned. */
  idleAfterMs: number;
}

/** The instant from which the conversation counts as idle (≤ now: idle now). No conversation: idle. */
export function idleFromMs(conversation: ConversationSnapshot | undefined, rule: IdleRule): number {
  if (!conversation) return 0;
  const atIdleStep =
    rule.idleSteps.includes(conversation.stepId) ||
    rule.idleSteps.includes(`${conversation.flowId}.${conversation.stepId}`);
  return conversation.updatedAtMs + (atIdleStep ? rule.settleMs : rule.idleAfterMs);
}

export type DeliveryDecision = { kind: "deliver" } | { kind: "wait"; untilMs: number } | { kind: "expire" };

/**
 * What to do with a pending invitation now. A wait is capped by `recheckMs` (the citizen may
 * reach the menu sooner) and by the expiry, so the job comes back to expire it on time.
 */
export function deliveryDecision(input: {
  nowMs: number;
  expiresAtMs: number;
  quietUntilMs?: number;
  idleFromMs: number;
  recheckMs: number;
}): DeliveryDecision {
  const { nowMs, expiresAtMs } = input;
  if (nowMs >= expiresAtMs) return { kind: "expire" };
  if (input.quietUntilMs !== undefined && input.quietUntilMs > nowMs)
    return { kind: "wait", untilMs: Math.min(input.quietUntilMs, expiresAtMs) };
  if (input.idleFromMs > nowMs)
    return { kind: "wait", untilMs: Math.min(input.idleFromMs, nowMs + input.recheckMs, expiresAtMs) };
  return { kind: "deliver" };
}
