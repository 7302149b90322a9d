/**
 * Answer templates per office (issue 14): the head writes them, officials insert one when
 * answering (filled with the question's radicado, office, due date, the official's name). Every
 * change is a form action: audited, once per form key.
 */
import { canManageAnswerTemplates, canViewOffice, type Actor } from "../../core/authorization.ts";
import { fillTemplate, unknownTemplateVariables } from "../../core/answer-templates.ts";
import type { AnswerTemplateRow } from "../../db/repositories/answer-templates.ts";
import { dueDateText, officeName, type AppContext } from "../context.ts";
import { MAX_ANSWER_LENGTH } from "../questions/questions.ts";
import { runFormAction, type FormContext, type FormOutcome } from "./form-action.ts";
import { visibleOffices } from "./inbox.ts";

export const MAX_TEMPLATE_NAME_LENGTH = 80;

export type TemplateError =
  | "not_allowed"
  | "name_required"
  | "name_too_long"
  | "empty_text"
  | "text_too_long"
  | "unknown_variable"
  | "template_not_found";

export interface TemplatesPage {
  officeKey: string;
  offices: { key: string; name: string }[];
  templates: AnswerTemplateRow[];
  mayManage: boolean;
}

/** The templates of an office the actor may see (default: their own, else the first they see). */
export async function templatesPage(
  app: AppContext,
  actor: Actor,
  officeKey?: string,
): Promise<{ ok: true; page: TemplatesPage } | { ok: false; error: "not_allowed" }> {
  const offices = await visibleOffices(app, actor);
  const own = actor.kind === "official" ? actor.officeKey : null;
  const chosen = officeKey ?? (own && offices.some((o) => o.key === own) ? own : offices[0]?.key);
  if (!chosen || !offices.some((o) => o.key === chosen)) return { ok: false, error: "not_allowed" };
  return {
    ok: true,
    page: {
      officeKey: chosen,
      offices,
      templates: await app.repos.answerTemplates.list(chosen),
      mayManage: canManageAnswerTemplates(actor, chosen),
    },
  };
}

/** An office's templates, for the answer form of one of its questions. */
export async function templatesFor(app: AppContext, actor: Actor, officeKey: string): Promise<AnswerTemplateRow[]> {
  return canViewOffice(actor, officeKey) ? await app.repos.answerTemplates.list(officeKey) : [];
}

/** A template filled for a question (of the template's office), or undefined. */
export async function filledTemplate(
  app: AppContext,
  actor: Actor,
  question: { reference: string; officeKey: string; dueDate: string },
  templateId: number,
  locale: string,
): Promise<string | undefined> {
  const template = await app.repos.answerTemplates.get(templateId);
  if (
    !template ||
    template.archivedAtMs !== null ||
    template.officeKey !== question.officeKey ||
    !canViewOffice(actor, question.officeKey)
  )
    return undefined;
  const official = actor.kind === "official" ? await app.repos.officials.get(actor.officialId) : undefined;
  return fillTemplate(template.body, {
    radicado: question.reference,
    dependencia: officeName(app, question.officeKey),
    fecha_limite: dueDateText(question.dueDate, locale),
    funcionario: official?.name ?? "",
    entidad: app.profile.name,
  });
}

function checkInput(name: string, body: string): TemplateError | undefined {
  if (!name.trim()) return "name_required";
  if (name.trim().length > MAX_TEMPLATE_NAME_LENGTH) return "name_too_long";
  if (!body.trim()) return "empty_text";
  if (body.length > MAX_ANSWER_LENGTH) return "text_too_long";
  if (unknownTemplateVariables(body).length) return "unknown_variable";
  return undefined;
}

const stateOf = (t: AnswerTemplateRow) => ({
  officeKey: t.officeKey,
  name: t.name,
  bodyLength: t.body.length,
  archived: t.archivedAtMs !== null,
});

/** Creates (no `id`) or edits a template. */
export async function saveTemplate(
  app: AppContext,
  actor: Actor,
  input: { id?: number; officeKey: string; name: string; body: string },
  form: FormContext,
): Promise<FormOutcome<TemplateError>> {
  const action = input.id === undefined ? "answer_template.create" : "answer_template.update";
  return await runFormAction<TemplateError>(
    app,
    actor,
    action,
    input.id === undefined ? input.officeKey : `answer_template:${input.id}`,
    form,
    async () => {
      const existing = input.id === undefined ? undefined : await app.repos.answerTemplates.get(input.id);
      if (input.id !== undefined && (!existing || existing.archivedAtMs !== null))
        return { ok: false, error: "template_not_found" };
      const officeKey = existing?.officeKey ?? input.officeKey;
      if (!(await app.repos.offices.get(officeKey)) || !canManageAnswerTemplates(actor, officeKey))
        return { ok: false, error: "not_allowed" };
      const error = checkInput(input.name, input.body);
      if (error) return { ok: false, error };
      const nowMs = app.clock.nowMs();
      const changes = { name: input.name.trim(), body: input.body.trim() };
      if (existing) {
        await app.repos.answerTemplates.update(existing.id, changes, nowMs);
        return {
          ok: true,
          before: stateOf(existing),
          after: stateOf((await app.repos.answerTemplates.get(existing.id))!),
        };
      }
      const created = await app.repos.answerTemplates.add({
        officeKey,
        ...changes,
        createdBy: actor.kind === "official" ? actor.officialId : null,
        nowMs,
      });
      return { ok: true, after: { id: created.id, ...stateOf(created) } };
    },
  );
}

export async function archiveTemplate(
  app: AppContext,
  actor: Actor,
  id: number,
  form: FormContext,
): Promise<FormOutcome<TemplateError>> {
  return await runFormAction<TemplateError>(
    app,
    actor,
    "answer_template.archive",
    `answer_template:${id}`,
    form,
    async () => {
      const existing = await app.repos.answerTemplates.get(id);
      if (!existing || existing.archivedAtMs !== null) return { ok: false, error: "template_not_found" };
      if (!canManageAnswerTemplates(actor, existing.officeKey)) return { ok: false, error: "not_allowed" };
      await app.repos.answerTemplates.archive(id, app.clock.nowMs());
      return { ok: true, before: stateOf(existing), after: stateOf((await app.repos.answerTemplates.get(id))!) };
    },
  );
}
