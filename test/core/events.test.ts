/** Pure event rules: validation and its reasons, typed dates and times, quiet hours, stop words, the .ics. */
import { describe, expect, it } from "vitest";
import {
  canManageEvents,
  canReviewEventQuestions,
  eventInstants,
  eventWhen,
  formatClock,
  isQuietTime,
  parseDateInput,
  parseTimeInput,
  quietHoursEndMs,
  renderIcs,
  stopWordOf,
  validateEventDraft,
  validateSegment,
  type EventDraft,
} from "../../src/core/events.ts";

const bogota = (date: string, time: string) => Date.parse(`${date}T${time}:00-05:00`);
const NOW = bogota("2026-03-02", "10:00");
const rules = {
  nowMs: NOW,
  districtKeys: ["comuna-1", "san-isidro"],
  topicKeys: ["salud", "planeacion"],
  officeKeys: ["salud", "planeacion"],
};
const draft: EventDraft = {
  kind: "public_hearing",
  title: "Audiencia pública 2026",
  description: "Informe de gestión",
  startsAtMs: bogota("2026-03-10", "09:00"),
  endsAtMs: bogota("2026-03-10", "11:00"),
  place: "Coliseo",
  virtualUrl: null,
  officeKey: "planeacion",
  districts: ["comuna-1"],
  topics: ["salud"],
};
const codes = (d: Partial<EventDraft>) =>
  validateEventDraft({ ...draft, ...d }, rules).map((e) => (e.key ? `${e.code}:${e.key}` : e.code));

describe("validateEventDraft", () => {
  it("accepts a complete event", () => {
    expect(codes({})).toEqual([]);
    expect(codes({ place: null, virtualUrl: "https://www.facebook.com/alcaldia/live" })).toEqual([]);
  });
  it("refuses a start in the past, an end before the start, and over-long or far events", () => {
    expect(codes({ startsAtMs: NOW - 60_000, endsAtMs: NOW + 3_600_000 })).toEqual(["starts_in_past"]);
    expect(codes({ startsAtMs: NOW, endsAtMs: NOW + 1 })).toEqual(["starts_in_past"]);
    expect(codes({ endsAtMs: draft.startsAtMs })).toEqual(["ends_before_start"]);
    expect(codes({ endsAtMs: draft.startsAtMs - 1 })).toEqual(["ends_before_start"]);
    expect(codes({ endsAtMs: draft.startsAtMs + 25 * 3_600_000 })).toEqual(["too_long"]);
    expect(codes({ startsAtMs: NOW + 401 * 86_400_000, endsAtMs: NOW + 401 * 86_400_000 + 1 })).toEqual([
      "too_far_ahead",
    ]);
  });
  it("refuses unknown districts, topics, offices and kinds, naming them", () => {
    expect(
      codes({ districts: ["comuna-1", "comuna-9"], topics: ["deportes"], officeKey: "hacienda", kind: "party" }),
    ).toEqual(["unknown_kind:party", "unknown_district:comuna-9", "unknown_topic:deportes", "unknown_office:hacienda"]);
  });
  it("needs a title, and a place or a valid link", () => {
    expect(codes({ title: "  " })).toEqual(["title_required"]);
    expect(codes({ title: "x".repeat(121) })).toEqual(["title_too_long"]);
    expect(codes({ place: null, virtualUrl: null })).toEqual(["place_or_link_required"]);
    expect(codes({ place: "  ", virtualUrl: "facebook live" })).toEqual(["invalid_url"]);
    expect(codes({ virtualUrl: "javascript:alert(1)" })).toEqual(["invalid_url"]);
  });
});

describe("validateEventDraft for an event that already took place (held)", () => {
  const held = (d: Partial<EventDraft>) =>
    validateEventDraft({ ...draft, ...d }, rules, { held: true }).map((e) => e.code);
  const hours = (date: string, start: string, end: string) => ({
    startsAtMs: bogota(date, start),
    endsAtMs: bogota(date, end),
  });
  it("accepts one that ended, up to 400 days ago", () => {
    expect(held(hours("2026-02-10", "09:00", "11:00"))).toEqual([]);
    expect(held({ startsAtMs: NOW - 2 * 3_600_000, endsAtMs: NOW })).toEqual([]);
    expect(held({ startsAtMs: NOW - 400 * 86_400_000, endsAtMs: NOW - 400 * 86_400_000 + 3_600_000 })).toEqual([]);
  });
  it("refuses one not ended yet, one older than 400 days, and the usual time mistakes", () => {
    expect(held({})).toEqual(["not_ended"]);
    expect(held({ startsAtMs: NOW - 3_600_000, endsAtMs: NOW + 3_600_000 })).toEqual(["not_ended"]);
    expect(held(hours("2025-01-20", "09:00", "11:00"))).toEqual(["held_too_long_ago"]);
    expect(held(hours("2026-02-10", "11:00", "09:00"))).toEqual(["ends_before_start"]);
    expect(held({ startsAtMs: NOW - 30 * 3_600_000, endsAtMs: NOW - 1 })).toEqual(["too_long"]);
  });
});

describe("typed dates and times", () => {
  it.each([
    ["2026-03-10", "2026-03-10"],
    ["10/03/2026", "2026-03-10"],
    ["1-3-2026", "2026-03-01"],
    ["2026-02-30", undefined],
    ["mañana", undefined],
  ])("date %s → %s", (input, expected) => expect(parseDateInput(input)).toBe(expected));
  it.each([
    ["9:00", "09:00"],
    ["09:30", "09:30"],
    ["14:00", "14:00"],
    ["9 am", "09:00"],
    ["3:30 p. m.", "15:30"],
    ["12 pm", "12:00"],
    ["12 a.m.", "00:00"],
    ["2.15pm", "14:15"],
    ["24:00", undefined],
    ["13 pm", undefined],
    ["a las tres", undefined],
  ])("time %s → %s", (input, expected) => expect(parseTimeInput(input)).toBe(expected));
  it("reads times on the Bogotá wall clock and writes them back", () => {
    const { startsAtMs, endsAtMs } = eventInstants("2026-03-10", "09:00", "23:30", "America/Bogota");
    expect(new Date(startsAtMs).toISOString()).toBe("2026-03-10T14:00:00.000Z");
    expect(eventWhen(startsAtMs, endsAtMs, "America/Bogota", "es")).toEqual({
      date: "2026-03-10",
      startTime: "9:00 a. m.",
      endTime: "11:30 p. m.",
    });
    expect(eventWhen(startsAtMs, endsAtMs + 3_600_000, "America/Bogota", "en")).toEqual({
      date: "2026-03-10",
      startTime: "9:00 AM",
      endTime: "12:30 AM",
      endDate: "2026-03-11",
    });
    expect(formatClock(12 * 3600, "es")).toBe("12:00 p. m.");
    expect(formatClock(0, "en")).toBe("12:00 AM");
  });
});

describe("quiet hours", () => {
  const quiet = { start: "21:00", end: "07:00" };
  it.each([
    ["20:59", false],
    ["21:00", true],
    ["23:59", true],
    ["00:00", true],
    ["06:59", true],
    ["07:00", false],
    ["12:00", false],
  ])("%s Bogotá is quiet: %s", (time, expected) =>
    expect(isQuietTime(bogota("2026-03-02", time), quiet, "America/Bogota")).toBe(expected),
  );
  it("ends at the next 07:00", () => {
    expect(quietHoursEndMs(bogota("2026-03-02", "22:00"), quiet, "America/Bogota")).toBe(bogota("2026-03-03", "07:00"));
    expect(quietHoursEndMs(bogota("2026-03-03", "05:00"), quiet, "America/Bogota")).toBe(bogota("2026-03-03", "07:00"));
    expect(quietHoursEndMs(bogota("2026-03-03", "10:00"), quiet, "America/Bogota")).toBe(bogota("2026-03-03", "10:00"));
  });
  it("supports a window within one day, and none", () => {
    expect(isQuietTime(bogota("2026-03-02", "13:00"), { start: "12:00", end: "14:00" }, "America/Bogota")).toBe(true);
    expect(isQuietTime(bogota("2026-03-02", "13:00"), { start: "00:00", end: "00:00" }, "America/Bogota")).toBe(false);
  });
});

describe("stop words", () => {
  it.each(["SALIR", "salir", "Salír", "BAJA", "bája", "Stop", "STOP!", "¡Baja!"])("'%s' is a stop word", (text) => {
    expect(stopWordOf(text)).toBeDefined();
  });
  it.each(["salir del tramite", "quiero salir", "bajar", "stopp", "cancelado", "hola", "cancelar", "CANCELÁR"])(
    "'%s' is not",
    (text) => {
      expect(stopWordOf(text)).toBeUndefined();
    },
  );
});

describe("segments and permissions", () => {
  it("checks topics and districts of a segment", () => {
    expect(validateSegment({ kind: "interests", topics: [], districts: [] }, rules)).toEqual({ code: "bad_segment" });
    expect(validateSegment({ kind: "interests", topics: ["salud"], districts: ["comuna-2"] }, rules)).toEqual({
      code: "unknown_district",
      key: "comuna-2",
    });
    expect(validateSegment({ kind: "everyone" }, rules)).toBeUndefined();
  });
  it("lets communications staff and admins manage events; offices review their own event's questions", () => {
    const official = (
      role: "official" | "head" | "communications" | "admin" | "internal_control",
      officeKey: string | null = "salud",
      active = true,
    ) => ({ kind: "official" as const, officialId: 1, officeKey, role, active });
    expect(canManageEvents({ kind: "cli" })).toBe(true);
    expect(canManageEvents(official("communications", null))).toBe(true);
    expect(canManageEvents(official("communications", null, false))).toBe(false);
    expect(canManageEvents(official("head"))).toBe(false);
    expect(canReviewEventQuestions(official("head"), "salud")).toBe(true);
    expect(canReviewEventQuestions(official("official"), "planeacion")).toBe(false);
    expect(canReviewEventQuestions(official("internal_control", null), "salud")).toBe(false);
  });
});

describe("renderIcs", () => {
  const input = {
    uid: "event-7@villa.rinde",
    title: "Audiencia pública; rendición, 2026",
    description: "Informe de gestión",
    startsAtMs: bogota("2026-03-10", "09:00"),
    endsAtMs: bogota("2026-03-10", "11:00"),
    place: "Coliseo Municipal",
    virtualUrl: "https://facebook.com/alcaldia/live",
    organizer: { name: "Alcaldía de Villa Esperanza", email: "contacto@villa.gov.co" },
    sequence: 0,
    cancelled: false,
    nowMs: NOW,
  };
  it("writes a valid calendar in UTC with a stable UID and the given DTSTAMP", () => {
    const ics = renderIcs(input);
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics).toContain("METHOD:PUBLISH");
    expect(ics).toContain("UID:event-7@villa.rinde");
    expect(ics).toContain("DTSTART:20260310T140000Z");
    expect(ics).toContain("DTEND:20260310T160000Z");
    expect(ics).toContain("DTSTAMP:20260302T150000Z");
    expect(ics).toContain("SUMMARY:Audiencia pública\\; rendición\\, 2026");
    expect(ics).toContain("STATUS:CONFIRMED");
    expect(ics).toContain("MAILTO:contacto@villa.gov.co");
    expect(renderIcs(input)).toBe(ics);
  });
  it("cancels under the same UID with a higher sequence", () => {
    const ics = renderIcs({ ...input, sequence: 2, cancelled: true });
    expect(ics).toContain("METHOD:CANCEL");
    expect(ics).toContain("STATUS:CANCELLED");
    expect(ics).toContain("SEQUENCE:2");
    expect(ics).toContain("UID:event-7@villa.rinde");
  });
});
