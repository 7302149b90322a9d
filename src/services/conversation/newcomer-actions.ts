/**
 * Citizen actions for the general information screen (flows/info.yaml): what rendición de cuentas
 * is in this municipality, from its profile, and its next dialogue spaces (issue 18, point 14).
 */
import type { ActionDefinition } from "./action-definition.ts";
import { render } from "../context.ts";
import { eventOptionLabel } from "../events/texts.ts";

/** Events named on the information screen. */
const NEXT_EVENTS = 3;

export const newcomerActions: Record<string, ActionDefinition> = {
  "info.accountability": {
    results: ["shown"],
    run: async ({ app, citizen }) => {
      const t = (key: string, vars: Record<string, unknown> = {}) => render(app, citizen.locale, key, vars);
      const profile = app.profile.accountability;
      const accountabilityLines = profile
        ? [t("newcomer.info.hearings", { hearings: profile.hearings }), t("newcomer.info.reports", profile)].join("\n")
        : t("newcomer.info.unknown");
      const events = await app.repos.events.upcoming({ afterMs: app.clock.nowMs(), limit: NEXT_EVENTS });
      const nextEvents = events.length
        ? events.map((e) => `• ${eventOptionLabel(app, e, citizen.locale)}`).join("\n")
        : t("newcomer.info.no_events");
      return { result: "shown", data: { accountabilityLines, nextEvents } };
    },
  },
};
