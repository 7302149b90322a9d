/**
 * Eventos: the list (upcoming, past, cancelled), the create and edit form (also for an event that
 * already took place), cancellation with a confirmation step, and the event's page with its RSVPs,
 * questions, "held", and minutes and recording links. Handlers parse the form (zod, the dates and
 * times as staff type them) and call src/services/backoffice/events.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { toWallClock } from "../../core/calendar/index.ts";
import {
  draftOf,
  EVENT_KINDS,
  EVENT_LISTS,
  eventInstants,
  parseDateInput,
  parseTimeInput,
  type EventError,
  type EventList,
} from "../../core/events.ts";
import { formatClockTime } from "../../core/local-time.ts";
import type { EventRecord } from "../../db/repositories/events.ts";
import type { EventInput } from "../../services/events/events.ts";
import {
  eventDetail,
  eventForm as eventFormData,
  eventsList,
  webCancelEvent,
  webCreateEvent,
  webMarkAnsweredAtEvent,
  webMarkEventHeld,
  webSetEventLinks,
  webUpdateEvent,
  type EventFormOutcome,
} from "../../services/backoffice/events.ts";
import { sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { staffOf } from "../session.ts";

/** The list's names in the address bar, in Spanish like the rest of /admin. */
const LIST_SLUGS: Record<EventList, string> = { upcoming: "proximos", past: "pasados", cancelled: "cancelados" };
const listOfSlug = (slug: unknown): EventList => EVENT_LISTS.find((l) => LIST_SLUGS[l] === slug) ?? "upcoming";

const idem = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const list = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string().max(64)).max(200),
);
const eventForm = z.object({
  _idem: idem,
  tipo: z.enum(EVENT_KINDS),
  titulo: z.string().max(1000).default(""),
  descripcion: z.string().max(10_000).default(""),
  fecha: z.string().max(40).default(""),
  inicio: z.string().max(40).default(""),
  fin: z.string().max(40).default(""),
  lugar: z.string().max(1000).default(""),
  enlace: z.string().max(2000).default(""),
  dependencia: z.string().max(64).default(""),
  comunas: list,
  temas: list,
  realizado: z.literal("1").optional(),
});
type EventForm = z.infer<typeof eventForm>;
const actionForm = z.object({ _idem: idem });
const answeredForm = z.object({ _idem: idem, radicados: list, resumen: z.string().max(4000).default("") });
const linksForm = z.object({
  _idem: idem,
  acta: z.string().max(2000).default(""),
  grabacion: z.string().max(2000).default(""),
});

/** Where each reason of a refused draft is shown: beside the field it is about. */
const FIELD_OF: Record<EventError["code"] | "bad_date" | "bad_time", keyof EventForm> = {
  unknown_kind: "tipo",
  title_required: "titulo",
  title_too_long: "titulo",
  description_too_long: "descripcion",
  place_too_long: "lugar",
  starts_in_past: "fecha",
  too_far_ahead: "fecha",
  held_too_long_ago: "fecha",
  bad_date: "fecha",
  bad_time: "inicio",
  not_ended: "fin",
  ends_before_start: "fin",
  too_long: "fin",
  place_or_link_required: "lugar",
  invalid_url: "enlace",
  unknown_district: "comunas",
  unknown_topic: "temas",
  unknown_office: "dependencia",
};

type FieldErrors = Partial<Record<keyof EventForm, { code: string; key?: string }[]>>;

function fieldErrorsOf(errors: readonly (EventError | { code: "bad_date" | "bad_time"; field?: keyof EventForm })[]) {
  const byField: FieldErrors = {};
  for (const error of errors) {
    const field = ("field" in error && error.field) || FIELD_OF[error.code];
    (byField[field] ??= []).push({ code: error.code, ...("key" in error && error.key ? { key: error.key } : {}) });
  }
  return byField;
}

/** The form's values as the service's input, or the date and time fields that could not be read. */
function inputOf(
  form: EventForm,
  timeZone: string,
): { ok: true; input: EventInput } | { ok: false; errors: FieldErrors } {
  const date = parseDateInput(form.fecha);
  const start = parseTimeInput(form.inicio);
  const end = parseTimeInput(form.fin);
  if (!date || !start || !end)
    return {
      ok: false,
      errors: fieldErrorsOf([
        ...(date ? [] : [{ code: "bad_date" as const }]),
        ...(start ? [] : [{ code: "bad_time" as const, field: "inicio" as const }]),
        ...(end ? [] : [{ code: "bad_time" as const, field: "fin" as const }]),
      ]),
    };
  return {
    ok: true,
    input: {
      kind: form.tipo,
      title: form.titulo,
      description: form.descripcion,
      ...eventInstants(date, start, end, timeZone),
      place: form.lugar || null,
      virtualUrl: form.enlace || null,
      officeKey: form.dependencia || null,
      districts: form.comunas,
      topics: form.temas,
    },
  };
}

/** An event's fields as the form shows them (date and times in the profile's zone). */
function valuesOf(event: EventRecord, timeZone: string): Record<string, string | string[]> {
  const draft = draftOf(event);
  return {
    tipo: draft.kind,
    titulo: draft.title,
    descripcion: draft.description,
    fecha: toWallClock(new Date(draft.startsAtMs), timeZone).date,
    inicio: formatClockTime(draft.startsAtMs, timeZone),
    fin: formatClockTime(draft.endsAtMs, timeZone),
    lugar: draft.place ?? "",
    enlace: draft.virtualUrl ?? "",
    dependencia: draft.officeKey ?? "",
    comunas: [...draft.districts],
    temas: [...draft.topics],
  };
}

/** What the browser sent, to show it again in a refused form. */
function sentValues(body: unknown): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>).filter(
      ([, v]) => typeof v === "string" || (Array.isArray(v) && v.every((i) => typeof i === "string")),
    ),
  ) as Record<string, string | string[]>;
}

const FLASHES = [
  "creado",
  "registrado",
  "editado",
  "avisados",
  "cancelado",
  "realizado",
  "respondidas",
  "enlaces",
  "duplicado",
];

export function registerEventRoutes(admin: FastifyInstance, deps: WebDeps): void {
  const { app } = deps;
  const csrf = { preHandler: admin.csrfProtection };
  const idOf = (request: FastifyRequest<{ Params: { id: string } }>) => Number(request.params.id) || 0;
  const errorPage = (request: FastifyRequest, reply: FastifyReply, error: string) =>
    sendPage(
      request,
      reply,
      deps,
      "error",
      {
        title: "errors.title",
        message: error === "not_allowed" ? "errors.not_allowed" : "events.errors.event_not_found",
      },
      error === "not_allowed" ? 403 : 404,
    );

  admin.get<{ Querystring: { vista?: string; pagina?: string } }>("/eventos", async (request, reply) => {
    const listName = listOfSlug(request.query.vista);
    const result = await eventsList(app, staffOf(request).actor, {
      list: listName,
      page: Number(request.query.pagina) || 1,
    });
    if (!result.ok) return errorPage(request, reply, result.error);
    return sendPage(request, reply, deps, "events", { title: "events.title", data: result, slugs: LIST_SLUGS });
  });

  const formPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { eventId?: number; values?: Record<string, string | string[]>; errors?: FieldErrors; error?: string },
    status = 200,
  ) => {
    const options = await eventFormData(app, staffOf(request).actor, extra.eventId);
    if (!options.ok) return errorPage(request, reply, options.error);
    const event = options.event;
    return sendPage(
      request,
      reply,
      deps,
      "event-form",
      {
        title: event ? "events.edit_title" : "events.new_title",
        options,
        event,
        values: extra.values ?? (event ? valuesOf(event, deps.timeZone) : {}),
        errors: extra.errors ?? {},
        error: extra.error,
      },
      status,
    );
  };

  /** A refused form: the 403 page when not allowed, else the form again with the reasons. */
  const refused = (
    request: FastifyRequest,
    reply: FastifyReply,
    outcome: Extract<EventFormOutcome, { ok: false }>,
    eventId?: number,
  ) =>
    outcome.error === "not_allowed"
      ? errorPage(request, reply, "not_allowed")
      : formPage(
          request,
          reply,
          {
            eventId,
            values: sentValues(request.body),
            errors: outcome.errors ? fieldErrorsOf(outcome.errors) : {},
            error: outcome.errors ? undefined : outcome.error,
          },
          422,
        );

  admin.get("/eventos/nuevo", async (request, reply) => formPage(request, reply, {}));

  admin.post("/eventos", csrf, async (request, reply) => {
    const form = eventForm.safeParse(request.body);
    if (!form.success) return formPage(request, reply, { values: sentValues(request.body), error: "bad_form" }, 422);
    const parsed = inputOf(form.data, deps.timeZone);
    if (!parsed.ok) return formPage(request, reply, { values: sentValues(request.body), errors: parsed.errors }, 422);
    const held = form.data.realizado === "1";
    const outcome = await webCreateEvent(app, staffOf(request).actor, parsed.input, { held }, { key: form.data._idem });
    if (!outcome.ok) return refused(request, reply, outcome);
    if (!outcome.duplicate && !held) deps.onEffects();
    const flash = outcome.duplicate ? "duplicado" : held ? "registrado" : "creado";
    return reply.redirect(`${outcome.redirectTo}?hecho=${flash}`, 303);
  });

  const detail = async (
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    extra: { flash?: string; error?: string; target?: string; values?: Record<string, string | string[]> } = {},
    status = 200,
  ) => {
    const result = await eventDetail(app, staffOf(request).actor, idOf(request));
    if (!result.ok) return errorPage(request, reply, result.error);
    return sendPage(
      request,
      reply,
      deps,
      "event",
      { title: "events.title", data: result, values: extra.values ?? {}, ...extra },
      status,
    );
  };

  admin.get<{ Params: { id: string }; Querystring: { hecho?: string } }>("/eventos/:id", async (request, reply) =>
    detail(request, reply, { flash: FLASHES.includes(request.query.hecho ?? "") ? request.query.hecho : undefined }),
  );

  admin.get<{ Params: { id: string } }>("/eventos/:id/editar", async (request, reply) => {
    const result = await eventDetail(app, staffOf(request).actor, idOf(request));
    if (!result.ok) return errorPage(request, reply, result.error);
    if (!result.may.edit)
      return result.phase === "scheduled" || result.phase === "changed"
        ? errorPage(request, reply, "not_allowed")
        : detail(request, reply, { error: "event_closed", target: "editar" }, 409);
    return formPage(request, reply, { eventId: result.event.id });
  });

  admin.post<{ Params: { id: string } }>("/eventos/:id/editar", csrf, async (request, reply) => {
    const eventId = idOf(request);
    const form = eventForm.safeParse(request.body);
    if (!form.success)
      return formPage(request, reply, { eventId, values: sentValues(request.body), error: "bad_form" }, 422);
    const parsed = inputOf(form.data, deps.timeZone);
    if (!parsed.ok)
      return formPage(request, reply, { eventId, values: sentValues(request.body), errors: parsed.errors }, 422);
    const outcome = await webUpdateEvent(app, staffOf(request).actor, eventId, parsed.input, {
      key: form.data._idem,
    });
    if (!outcome.ok) return refused(request, reply, outcome, eventId);
    if (!outcome.duplicate) deps.onEffects();
    const flash = outcome.duplicate ? "duplicado" : outcome.notified ? "avisados" : "editado";
    return reply.redirect(`${outcome.redirectTo}?hecho=${flash}`, 303);
  });

  admin.get<{ Params: { id: string } }>("/eventos/:id/cancelar", async (request, reply) => {
    const result = await eventDetail(app, staffOf(request).actor, idOf(request));
    if (!result.ok) return errorPage(request, reply, result.error);
    if (!result.may.edit) return errorPage(request, reply, "not_allowed");
    return sendPage(request, reply, deps, "event-cancel", { title: "events.cancel_title", data: result });
  });

  /** The event page after one of its actions: a redirect with the news, or the page with the refusal. */
  const afterAction = (
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    outcome: EventFormOutcome,
    target: string,
    flash: string,
  ) => {
    if (!outcome.ok)
      return outcome.error === "not_allowed"
        ? errorPage(request, reply, "not_allowed")
        : detail(request, reply, { error: outcome.error, target, values: sentValues(request.body) }, 422);
    if (!outcome.duplicate) deps.onEffects();
    return reply.redirect(`${outcome.redirectTo}?hecho=${outcome.duplicate ? "duplicado" : flash}`, 303);
  };
  const badForm = (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, target: string) =>
    detail(request, reply, { error: "bad_form", target, values: sentValues(request.body) }, 422);

  admin.post<{ Params: { id: string } }>("/eventos/:id/cancelar", csrf, async (request, reply) => {
    const form = actionForm.safeParse(request.body);
    if (!form.success) return badForm(request, reply, "cancelar");
    const outcome = await webCancelEvent(app, staffOf(request).actor, idOf(request), { key: form.data._idem });
    return afterAction(request, reply, outcome, "cancelar", "cancelado");
  });

  admin.post<{ Params: { id: string } }>("/eventos/:id/realizado", csrf, async (request, reply) => {
    const form = actionForm.safeParse(request.body);
    if (!form.success) return badForm(request, reply, "realizado");
    const outcome = await webMarkEventHeld(app, staffOf(request).actor, idOf(request), { key: form.data._idem });
    return afterAction(request, reply, outcome, "realizado", "realizado");
  });

  admin.post<{ Params: { id: string } }>("/eventos/:id/respondidas", csrf, async (request, reply) => {
    const form = answeredForm.safeParse(request.body);
    if (!form.success) return badForm(request, reply, "respondidas");
    const outcome = await webMarkAnsweredAtEvent(
      app,
      staffOf(request).actor,
      idOf(request),
      form.data.radicados,
      form.data.resumen,
      { key: form.data._idem },
    );
    return afterAction(request, reply, outcome, "respondidas", "respondidas");
  });

  admin.post<{ Params: { id: string } }>("/eventos/:id/enlaces", csrf, async (request, reply) => {
    const form = linksForm.safeParse(request.body);
    if (!form.success) return badForm(request, reply, "enlaces");
    const outcome = await webSetEventLinks(
      app,
      staffOf(request).actor,
      idOf(request),
      { minutesUrl: form.data.acta, recordingUrl: form.data.grabacion },
      { key: form.data._idem },
    );
    return afterAction(request, reply, outcome, "enlaces", "enlaces");
  });
}
