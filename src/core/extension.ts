/**
 * Extension of the legal term (prórroga), Ley 1755 de 2015, art. 14, parágrafo: "Cuando
 * excepcionalmente no fuere posible resolver la petición en los plazos aquí señalados, la autoridad
 * deberá informar esta circunstancia al interesado, antes del vencimiento del término señalado en la
 * ley, expresando los motivos de la demora y señalando a la vez el plazo razonable en que se
 * resolverá o dará respuesta, el cual no podrá exceder del doble del inicialmente previsto."
 * Pure rules; the service loads the question and applies the result.
 */
import { isLocalDate, type BusinessCalendar, type LocalDate } from "./calendar/index.ts";

/** The rule, quoted in refusals. */
export const EXTENSION_RULE =
  "Ley 1755 de 2015, art. 14, parágrafo: la autoridad debe informar al interesado «antes del vencimiento del término señalado en la ley, expresando los motivos de la demora y señalando a la vez el plazo razonable en que se resolverá o dará respuesta, el cual no podrá exceder del doble del inicialmente previsto».";

export type ExtensionRefusal =
  /** The term already ended (today is after the due date). */
  | "term_expired"
  /** The new date is later than twice the initial term. */
  | "beyond_limit"
  /** The new date is not after the current due date. */
  | "not_later"
  /** The new date is a weekend, holiday or local non-working day. */
  | "not_business_day"
  /** The new date is not an existing YYYY-MM-DD date. */
  | "invalid_date"
  /** The law provides one extension; this question already has it. */
  | "already_extended"
  | "reason_required";

/**
 * The latest date an extension may set: twice the initial term, counted in business days from the
 * same effective filing date as the initial term (so from the same first counted day).
 */
export function extensionLimitDate(
  effectiveFilingDate: LocalDate,
  termBusinessDays: number,
  calendar: BusinessCalendar,
): LocalDate {
  return calendar.addBusinessDays(effectiveFilingDate, 2 * termBusinessDays);
}

export interface ExtensionCheck {
  /** Today in the profile's zone. */
  today: LocalDate;
  /** The current due date (the end of the initial term). */
  dueDate: LocalDate;
  /** The date the official proposes, as typed. */
  newDate: string;
  /** From {@link extensionLimitDate}. */
  limitDate: LocalDate;
  alreadyExtended: boolean;
  reason: string;
  calendar: BusinessCalendar;
}

/** Whether an extension may be granted; the first rule broken otherwise, most fundamental first. */
export function checkExtension(input: ExtensionCheck): { ok: true } | { ok: false; error: ExtensionRefusal } {
  if (input.alreadyExtended) return { ok: false, error: "already_extended" };
  if (input.today > input.dueDate) return { ok: false, error: "term_expired" };
  if (!input.reason.trim()) return { ok: false, error: "reason_required" };
  if (!isLocalDate(input.newDate)) return { ok: false, error: "invalid_date" };
  if (input.newDate <= input.dueDate) return { ok: false, error: "not_later" };
  if (input.newDate > input.limitDate) return { ok: false, error: "beyond_limit" };
  if (!input.calendar.isBusinessDay(input.newDate)) return { ok: false, error: "not_business_day" };
  return { ok: true };
}
