/**
 * Who an ad hoc consultation goes to, written as staff type it: `everyone`, `topic:<key>[,<key>]`,
 * `district:<key>[,<key>]` (subscriptions), `event:<id>` (said they would come), `office:<key>`
 * (asked that office a question), `channel:<id>`. Consent, deletion and survey opt-outs are
 * applied on top of any segment when the invitations are made.
 */
export type Segment =
  | { kind: "everyone" }
  | { kind: "topics"; keys: string[] }
  | { kind: "districts"; keys: string[] }
  | { kind: "event"; eventId: number }
  | { kind: "office"; officeKey: string }
  | { kind: "channel"; channel: string };

export const SEGMENT_SYNTAX =
  "everyone | topic:<key>[,<key>…] | district:<key>[,<key>…] | event:<id> | office:<key> | channel:<id>";

const KEY = /^[a-z0-9][a-z0-9_-]*$/;

export function parseSegment(spec: string): { ok: true; segment: Segment } | { ok: false; error: string } {
  const text = spec.trim().toLowerCase();
  if (text === "everyone" || text === "all") return { ok: true, segment: { kind: "everyone" } };
  const colon = text.indexOf(":");
  const kind = colon === -1 ? text : text.slice(0, colon);
  const rest = colon === -1 ? "" : text.slice(colon + 1);
  const keys = rest
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  const bad = keys.find((k) => !KEY.test(k));
  if (bad !== undefined) return { ok: false, error: `'${bad}' is not a valid key` };
  if (keys.length === 0) return { ok: false, error: `unknown segment '${spec}'; use ${SEGMENT_SYNTAX}` };
  switch (kind) {
    case "topic":
    case "topics":
      return { ok: true, segment: { kind: "topics", keys } };
    case "district":
    case "districts":
      return { ok: true, segment: { kind: "districts", keys } };
    case "event": {
      const eventId = Number(keys[0]);
      if (keys.length !== 1 || !Number.isInteger(eventId) || eventId < 1)
        return { ok: false, error: "event:<id> takes one event number" };
      return { ok: true, segment: { kind: "event", eventId } };
    }
    case "office":
      return keys.length === 1
        ? { ok: true, segment: { kind: "office", officeKey: keys[0]! } }
        : { ok: false, error: "office:<key> takes one office" };
    case "channel":
      return keys.length === 1
        ? { ok: true, segment: { kind: "channel", channel: keys[0]! } }
        : { ok: false, error: "channel:<id> takes one channel" };
    default:
      return { ok: false, error: `unknown segment '${spec}'; use ${SEGMENT_SYNTAX}` };
  }
}

/** The canonical spelling of a segment (stored on the run, shown in listings). */
export function formatSegment(segment: Segment): string {
  switch (segment.kind) {
    case "everyone":
      return "everyone";
    case "topics":
      return `topic:${segment.keys.join(",")}`;
    case "districts":
      return `district:${segment.keys.join(",")}`;
    case "event":
      return `event:${segment.eventId}`;
    case "office":
      return `office:${segment.officeKey}`;
    case "channel":
      return `channel:${segment.channel}`;
  }
}
