/** Pregunta: one question, its timeline and the actions on it. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import {
  answerPreview,
  questionDetail,
  webAnswer,
  webApproveAnswer,
  webAssign,
  webReturnAnswer,
  webExtend,
  webNote,
  webReassign,
  webRequestInfo,
  webTransfer,
  transferPreview,
  type ActionOutcome,
} from "../../services/backoffice/question.ts";
import {
  isEmailAddress,
  MAX_ENTITY_EMAIL_LENGTH,
  MAX_ENTITY_NAME_LENGTH,
  MAX_ENTITY_REFERENCE_LENGTH,
  MAX_TRANSFER_REASON_LENGTH,
  TRANSFER_ERROR_FIELD,
  type TransferInput,
} from "../../core/transfer.ts";
import { filledTemplate, templatesFor } from "../../services/backoffice/answer-templates.ts";
import { webPublication } from "../../services/backoffice/publication.ts";
import { renderView, sendPage } from "../render.ts";
import type { WebDeps } from "../deps.ts";
import { staffOf } from "../session.ts";

const key = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const text = (max: number) => z.string().max(max * 2);
/**
 * The transfer form (art. 21) is checked field by field: each message is a locale key
 * (`web.errors.<key>`) shown beside its field. The service checks the same rules again.
 */
const transferFields = {
  entidad: z.string().trim().min(1, "entity_required").max(MAX_ENTITY_NAME_LENGTH, "entity_too_long"),
  correo: z
    .string()
    .trim()
    .max(MAX_ENTITY_EMAIL_LENGTH, "invalid_email")
    .refine((v) => v === "" || isEmailAddress(v), "invalid_email")
    .default(""),
  referencia: z.string().trim().max(MAX_ENTITY_REFERENCE_LENGTH, "entity_reference_too_long").default(""),
  motivo: z.string().trim().min(1, "transfer_reason_required").max(MAX_TRANSFER_REASON_LENGTH, "text_too_long"),
};
/** The form field of each transfer input (for the service's refusals). */
const TRANSFER_FIELD_NAMES: Record<keyof TransferInput, string> = {
  entityName: "entidad",
  entityEmail: "correo",
  entityReference: "referencia",
  reason: "motivo",
};
const transferInputOf = (f: {
  entidad: string;
  correo: string;
  referencia: string;
  motivo: string;
}): TransferInput => ({
  entityName: f.entidad,
  entityEmail: f.correo,
  entityReference: f.referencia,
  reason: f.motivo,
});

/** Field → locale error key, from a zod failure whose messages are locale keys (others are left out). */
function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (typeof field === "string" && /^[a-z_]+$/.test(issue.message) && !out[field]) out[field] = issue.message;
  }
  return out;
}

/** The field a service refusal belongs to, when it is one of the transfer form's. */
function fieldOfError(error: string): string | undefined {
  const field = (TRANSFER_ERROR_FIELD as Record<string, keyof TransferInput | undefined>)[error];
  return field && TRANSFER_FIELD_NAMES[field];
}
const forms = {
  responder: z.object({ _idem: key, texto: text(20_000) }),
  reasignar: z.object({ _idem: key, oficina: z.string().max(64), motivo: text(2000) }),
  "pedir-informacion": z.object({ _idem: key, texto: text(2000) }),
  prorrogar: z.object({ _idem: key, fecha: z.string().max(10), motivo: text(2000) }),
  nota: z.object({ _idem: key, texto: text(4000) }),
  asignar: z.object({ _idem: key, funcionario: z.string().regex(/^(\d{1,9})?$/) }),
  aprobar: z.object({ _idem: key }),
  devolver: z.object({ _idem: key, motivo: text(2000) }),
  trasladar: z.object({ _idem: key, ...transferFields }),
  publicar: z.object({ _idem: key, publicar: z.enum(["predeterminado", "si", "no"]), resumen: text(1000).default("") }),
  "version-publica": z.object({ _idem: key, respuesta: text(20_000), confirmo: z.literal("si") }),
} as const;
type FormName = keyof typeof forms;

/** History kinds with a text in locales (web.timeline); others are shown by their code. */
const TIMELINE_KINDS = [
  "answer_proposed",
  "answer_approved",
  "answer_returned",
  "filed",
  "reassigned",
  "info_requested",
  "info_provided",
  "extended",
  "answered",
  "note",
  "assigned",
  "escalated",
  "withdrawn",
  "due_date_recomputed",
  "term_moved",
  "answered_at_event",
  "transferred",
  "publication_changed",
];
const FLASHES = new Set([
  "responder",
  "reasignar",
  "pedir-informacion",
  "prorrogar",
  "nota",
  "asignar",
  "duplicado",
  "propuesta",
  "aprobar",
  "devolver",
  "trasladar",
  "publicar",
  "version-publica",
]);

export function registerQuestionRoutes(admin: FastifyInstance, deps: WebDeps): void {
  const { app } = deps;
  const csrf = { preHandler: admin.csrfProtection };

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    reference: string,
    extra: {
      form?: FormName;
      error?: string;
      values?: Record<string, string>;
      limitDate?: string;
      flash?: string;
      templateId?: number;
      fieldErrors?: Record<string, string>;
    } = {},
    status = 200,
  ) => {
    const staff = staffOf(request);
    const result = await questionDetail(app, staff.actor, reference, deps.fileReaders);
    if (!result.ok)
      return sendPage(
        request,
        reply,
        deps,
        "error",
        { title: "errors.title", message: `errors.${result.error}` },
        result.error === "not_allowed" ? 403 : 404,
      );
    const templates = await answerTemplatesFor(app, staff.actor, result.detail);
    const templateText = extra.templateId
      ? await filledTemplate(app, staff.actor, result.detail.question, extra.templateId, result.detail.citizenLocale)
      : undefined;
    return sendPage(
      request,
      reply,
      deps,
      "question",
      {
        title: "question.title",
        timelineKinds: TIMELINE_KINDS,
        d: result.detail,
        form: extra.form,
        error: extra.error,
        values: extra.values ?? {},
        limitDate: extra.limitDate,
        flash: extra.flash,
        templates,
        templateText,
        chosenTemplate: extra.templateId,
        fieldErrors: extra.fieldErrors ?? {},
      },
      status,
    );
  };

  admin.get<{ Params: { ref: string }; Querystring: { hecho?: string; plantilla?: string } }>(
    "/preguntas/:ref",
    async (request, reply) => {
      const flash = request.query.hecho && FLASHES.has(request.query.hecho) ? request.query.hecho : undefined;
      const templateId = /^\d{1,9}$/.test(request.query.plantilla ?? "") ? Number(request.query.plantilla) : undefined;
      return page(request, reply, request.params.ref, { flash, templateId });
    },
  );

  admin.post<{ Params: { ref: string } }>("/preguntas/:ref/vista-previa", csrf, async (request, reply) => {
    const staff = staffOf(request);
    const body = z.object({ texto: text(20_000) }).safeParse(request.body);
    const result = body.success
      ? await answerPreview(app, staff.actor, request.params.ref, body.data.texto)
      : ({ ok: false, error: "text_too_long" } as const);
    const html = renderView(request, reply, deps, "partials/preview", { result });
    return reply.type("text/html; charset=utf-8").send(html);
  });

  // What the citizen would be sent if the question were transferred now (htmx, nothing is saved).
  admin.post<{ Params: { ref: string } }>("/preguntas/:ref/vista-previa-traslado", csrf, async (request, reply) => {
    const staff = staffOf(request);
    const body = z.object(transferFields).safeParse(request.body);
    const result = body.success
      ? await transferPreview(app, staff.actor, request.params.ref, transferInputOf(body.data))
      : ({ ok: false, error: Object.values(fieldErrorsOf(body.error))[0] ?? "invalid_form" } as const);
    const html = renderView(request, reply, deps, "partials/transfer-preview", { result });
    return reply.type("text/html; charset=utf-8").send(html);
  });

  const action = <F extends FormName>(
    name: F,
    run: (
      request: FastifyRequest,
      reference: string,
      form: z.infer<(typeof forms)[F]>,
      ctx: { key: string; redirectTo: string },
    ) => ActionOutcome | Promise<ActionOutcome>,
  ) => {
    admin.post<{ Params: { ref: string } }>(`/preguntas/:ref/${name}`, csrf, async (request, reply) => {
      const reference = request.params.ref;
      const values = Object.fromEntries(
        Object.entries((request.body ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === "string"),
      ) as Record<string, string>;
      const parsed = forms[name].safeParse(request.body);
      if (!parsed.success) {
        const fieldErrors = fieldErrorsOf(parsed.error);
        const error = Object.keys(fieldErrors).length ? undefined : "invalid_form";
        return page(request, reply, reference, { form: name, error, values, fieldErrors }, 422);
      }
      const redirectTo = `/admin/preguntas/${encodeURIComponent(reference)}`;
      const outcome = await run(request, reference, parsed.data as z.infer<(typeof forms)[F]>, {
        key: parsed.data._idem,
        redirectTo,
      });
      if (outcome.ok) {
        if (!outcome.duplicate) deps.onEffects();
        return reply.redirect(
          `${outcome.redirectTo}?hecho=${outcome.duplicate ? "duplicado" : outcome.proposed ? "propuesta" : name}`,
          303,
        );
      }
      const status = outcome.error === "not_allowed" ? 403 : outcome.error === "question_not_found" ? 404 : 422;
      const field = fieldOfError(outcome.error);
      return page(
        request,
        reply,
        reference,
        field
          ? { form: name, values, fieldErrors: { [field]: outcome.error } }
          : { form: name, error: outcome.error, values, limitDate: outcome.limitDate },
        status,
      );
    });
  };

  const actor = (request: FastifyRequest) => staffOf(request).actor;
  action("responder", async (r, ref, f, ctx) => await webAnswer(app, actor(r), ref, f.texto, ctx));
  action("reasignar", async (r, ref, f, ctx) => await webReassign(app, actor(r), ref, f.oficina, f.motivo, ctx));
  action("pedir-informacion", async (r, ref, f, ctx) => await webRequestInfo(app, actor(r), ref, f.texto, ctx));
  action("prorrogar", async (r, ref, f, ctx) => await webExtend(app, actor(r), ref, f.fecha, f.motivo, ctx));
  action("nota", async (r, ref, f, ctx) => await webNote(app, actor(r), ref, f.texto, ctx));
  action("aprobar", async (r, ref, _f, ctx) => await webApproveAnswer(app, actor(r), ref, ctx));
  action("devolver", async (r, ref, f, ctx) => await webReturnAnswer(app, actor(r), ref, f.motivo, ctx));
  action("trasladar", async (r, ref, f, ctx) => await webTransfer(app, actor(r), ref, transferInputOf(f), ctx));
  action(
    "publicar",
    async (r, ref, f, ctx) =>
      await webPublication(
        app,
        actor(r),
        ref,
        { publishAnswer: { predeterminado: null, si: true, no: false }[f.publicar], summary: f.resumen },
        ctx,
      ),
  );
  action(
    "version-publica",
    async (r, ref, f, ctx) => await webPublication(app, actor(r), ref, { answer: f.respuesta, confirmed: true }, ctx),
  );
  action(
    "asignar",
    async (r, ref, f, ctx) => await webAssign(app, actor(r), ref, f.funcionario ? Number(f.funcionario) : null, ctx),
  );
}

/** The office's answer templates, only where the viewer may answer. */
async function answerTemplatesFor(
  app: WebDeps["app"],
  actor: Parameters<typeof templatesFor>[1],
  detail: { may: { act: boolean }; question: { officeKey: string } },
) {
  return detail.may.act ? await templatesFor(app, actor, detail.question.officeKey) : [];
}
