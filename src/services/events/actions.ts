/**
 * Citizen actions for events (flows/events.yaml) and subscriptions (flows/subscriptions.yaml).
 * They run inside the inbound message's transaction; the rules live in the services they call.
 */
import { findDistrictsByPlace, type PlaceMatch } from "../../core/places.ts";
import type { MenuOption } from "../../engine/engine.ts";
import type { ActionDefinition, ActionOutcome } from "../conversation/action-definition.ts";
import { dueDateText, officeName, render } from "../context.ts";
import { fileEventQuestion } from "./questions.ts";
import { isUpcoming } from "../../core/events.ts";
import { eventCard, eventOptionLabel } from "./texts.ts";
import { rsvp, sendIcs } from "./events.ts";
import { districtsOf, subscribe, subscriptionNames, topicLabel, topicsOf } from "./subscriptions.ts";

/** Events offered in one list. */
const MAX_LISTED = 10;

const str = (value: unknown): string => (typeof value === "string" ? value : "");
const eventIdOf = (value: unknown): number => (/^\d{1,9}$/.test(str(value)) ? Number(value) : Number.NaN);

const browse: Record<string, ActionDefinition> = {
  "event.district_options": {
    results: ["some", "none"],
    run: ({ app }) => {
      const districts = districtsOf(app);
      if (districts.length === 0) return { result: "none" };
      return {
        result: "some",
        data: { districtOptions: districts.map((d): MenuOption => ({ value: d.key, label: d.name })) },
      };
    },
  },
  "event.topic_options": {
    results: ["some"],
    run: ({ app, citizen }) => ({
      result: "some",
      data: {
        topicOptions: topicsOf(app).map((t): MenuOption => ({
          value: t.key,
          label: topicLabel(app, t, citizen.locale),
        })),
      },
    }),
  },
  "event.list": {
    results: ["some", "none"],
    run: async ({ app, citizen, data }) => {
      const district = str(data.districtFilter) || undefined;
      const topic = str(data.topicFilter) || undefined;
      const events = await app.repos.events.upcoming({
        afterMs: app.clock.nowMs(),
        district,
        topic,
        limit: MAX_LISTED,
      });
      const cleared = { districtFilter: null, topicFilter: null, districtOptions: null, topicOptions: null };
      if (events.length === 0) return { result: "none", data: cleared };
      const eventOptions = events.map((e): MenuOption => ({
        value: String(e.id),
        label: eventOptionLabel(app, e, citizen.locale),
      }));
      return { result: "some", data: { ...cleared, eventOptions } };
    },
  },
  "event.show": {
    results: ["found", "not_found"],
    run: async ({ app, citizen, data }) => {
      const event = await app.repos.events.get(eventIdOf(data.eventId));
      if (!event || !isUpcoming(event, app.clock.nowMs()))
        return { result: "not_found", data: { eventId: null, eventOptions: null } };
      const answer =
        citizen.consent === "granted" ? await app.repos.events.rsvpOf(event.id, citizen.citizenId) : undefined;
      const rsvpText = render(app, citizen.locale, answer ? `events.rsvp_current_${answer}` : "events.rsvp_question");
      return { result: "found", data: { eventOptions: null, card: eventCard(app, event, citizen.locale), rsvpText } };
    },
  },
};

const participate: Record<string, ActionDefinition> = {
  "event.rsvp": {
    results: ["yes", "no", "missing_consent", "closed"],
    run: async ({ app, citizen, channel, address, data }) => {
      const answer = str(data.rsvpAnswer) === "yes" ? "yes" : "no";
      const outcome = await rsvp(app, citizen, channel, address, eventIdOf(data.eventId), answer);
      if (!outcome.ok)
        return outcome.error.code === "missing_consent"
          ? { result: "missing_consent" }
          : { result: "closed", clearData: true };
      return { result: answer, clearData: true, data: { title: outcome.event.title } };
    },
  },
  "event.ics": {
    results: ["sent", "closed"],
    run: async ({ app, citizen, channel, address, data }) => {
      const event = await app.repos.events.get(eventIdOf(data.eventId));
      if (!event || !isUpcoming(event, app.clock.nowMs())) return { result: "closed", clearData: true };
      await sendIcs(app, citizen, channel, address, event);
      return { result: "sent", clearData: true };
    },
  },
  "event.ask": {
    results: ["filed", "closed", "missing_consent"],
    run: async ({ app, citizen, channel, data }) => {
      if (citizen.consent !== "granted") return { result: "missing_consent", data: { eventQuestion: null } };
      const filed = await fileEventQuestion(app, citizen, channel, eventIdOf(data.eventId), str(data.eventQuestion));
      if (!filed.ok)
        return filed.error === "missing_consent"
          ? { result: "missing_consent", data: { eventQuestion: null } }
          : { result: "closed", clearData: true };
      const q = filed.question;
      return {
        result: "filed",
        clearData: true,
        data: {
          reference: q.reference,
          officeName: officeName(app, q.officeKey),
          dueDateText: dueDateText(q.dueDate, citizen.locale),
        },
      };
    },
  },
};

function added(outcome: Awaited<ReturnType<typeof subscribe>>): ActionOutcome {
  if (!outcome.ok)
    return {
      result: outcome.error === "missing_consent" ? "missing_consent" : "unknown",
      data: { subscriptionChoice: null, subscriptionOptions: null },
    };
  return { result: outcome.added ? "added" : "already", clearData: true };
}

const subscriptionActions: Record<string, ActionDefinition> = {
  "subscription.list": {
    results: ["some", "none"],
    run: async ({ app, citizen }) => {
      const current = await app.repos.subscriptions.list(citizen.citizenId);
      const names = subscriptionNames(app, current, render(app, citizen.locale, "subscriptions.all_label"));
      const text = names.length
        ? render(app, citizen.locale, "subscriptions.current", { list: names.map((n) => `• ${n}`).join("\n") })
        : render(app, citizen.locale, "subscriptions.current_none");
      return { result: names.length ? "some" : "none", data: { current: text } };
    },
  },
  "subscription.add_all": {
    results: ["added", "already", "missing_consent", "unknown"],
    run: async ({ app, citizen }) => added(await subscribe(app, citizen, { kind: "all", key: "" })),
  },
  "subscription.topic_options": {
    results: ["some"],
    run: ({ app, citizen }) => ({
      result: "some",
      data: {
        subscriptionOptions: topicsOf(app).map((t): MenuOption => ({
          value: `topic:${t.key}`,
          label: topicLabel(app, t, citizen.locale),
        })),
      },
    }),
  },
  "subscription.district_options": {
    results: ["some", "none"],
    run: ({ app }) => {
      const districts = districtsOf(app);
      if (districts.length === 0) return { result: "none" };
      return {
        result: "some",
        data: {
          subscriptionOptions: districts.map((d): MenuOption => ({ value: `district:${d.key}`, label: d.name })),
        },
      };
    },
  },
  "subscription.district_by_place": {
    results: ["one", "many", "none"],
    run: ({ app, citizen, data }) => {
      const matches = findDistrictsByPlace(districtsOf(app), str(data.placeText));
      const nameOf = (key: string) => districtsOf(app).find((d) => d.key === key)?.name ?? key;
      const cleared = { subscriptionOptions: null };
      if (matches.length === 0) return { result: "none", data: cleared };
      if (matches.length === 1) {
        const [match] = matches as [PlaceMatch];
        return {
          result: "one",
          data: {
            ...cleared,
            placeText: null,
            subscriptionChoice: `district:${match.districtKey}`,
            placeName: match.place,
            districtName: nameOf(match.districtKey),
          },
        };
      }
      const placeOptions = matches.map((m): MenuOption => ({
        value: `district:${m.districtKey}`,
        label: render(app, citizen.locale, "newcomer.places.option", {
          placeName: m.place,
          districtName: nameOf(m.districtKey),
        }),
      }));
      return { result: "many", data: { ...cleared, placeOptions } };
    },
  },
  "subscription.add": {
    results: ["added", "already", "missing_consent", "unknown"],
    run: async ({ app, citizen, data }) => {
      const [kind, key] = str(data.subscriptionChoice).split(":");
      if ((kind !== "topic" && kind !== "district") || !key)
        return { result: "unknown", data: { subscriptionChoice: null } };
      return added(await subscribe(app, citizen, { kind, key }));
    },
  },
};

/** Registered in src/services/actions.ts. */
export const eventActions: Record<string, ActionDefinition> = { ...browse, ...participate, ...subscriptionActions };
