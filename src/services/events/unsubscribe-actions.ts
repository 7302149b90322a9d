/**
 * Citizen actions of flows/unsubscribe.yaml (SALIR, BAJA, STOP): stop every notice at once and say
 * exactly what stopped and what remains; ask before dropping the citizen's "yes" to coming events.
 */
import type { ActionContext, ActionDefinition } from "../conversation/action-definition.ts";
import { render } from "../context.ts";
import { eventOptionLabel } from "./texts.ts";
import { dropAttendance, stopAnnouncements, subscriptionNames } from "./subscriptions.ts";

/** What stopped, one line each, in the citizen's language; empty when nothing was active. */
function stoppedLines(
  { app, citizen }: ActionContext,
  names: readonly string[],
  commitments: number,
  withdrawn: number,
): string[] {
  const t = (key: string, vars: Record<string, unknown> = {}) =>
    render(app, citizen.locale, `citizen_flow.unsubscribe.${key}`, vars);
  const lines: string[] = [];
  if (names.length) lines.push(t("line_subscriptions", { list: names.join(", ") }));
  if (commitments > 0) lines.push(t("line_commitments", { count: commitments }));
  if (withdrawn > 0) lines.push(t("line_withdrawn", { count: withdrawn }));
  return lines;
}

export const unsubscribeActions: Record<string, ActionDefinition> = {
  "unsubscribe.stop": {
    results: ["stopped", "nothing", "attending"],
    run: async (ctx) => {
      const { app, citizen, channel, address } = ctx;
      const names = subscriptionNames(
        app,
        await app.repos.subscriptions.list(citizen.citizenId),
        render(app, citizen.locale, "subscriptions.all_label"),
      );
      const stopped = await stopAnnouncements(app, citizen.citizenId, { channel, address });
      const lines = stoppedLines(ctx, names, stopped.commitments, stopped.withdrawn);
      const summary = lines.length
        ? render(app, citizen.locale, "citizen_flow.unsubscribe.summary", { lines: lines.join("\n") })
        : render(app, citizen.locale, "citizen_flow.unsubscribe.summary_none");
      const attending = await app.repos.events.attendingOf(citizen.citizenId, app.clock.nowMs());
      if (attending.length) {
        const events = attending.map((e) => `• ${eventOptionLabel(app, e, citizen.locale)}`).join("\n");
        return { result: "attending", clearData: true, data: { stopSummary: summary, attendingEvents: events } };
      }
      return { result: lines.length ? "stopped" : "nothing", clearData: true, data: { stopSummary: summary } };
    },
  },
  "unsubscribe.drop_attendance": {
    results: ["dropped"],
    run: async ({ app, citizen }) => ({
      result: "dropped",
      clearData: true,
      data: { count: await dropAttendance(app, citizen.citizenId) },
    }),
  },
};
