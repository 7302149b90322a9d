/**
 * Traslado por competencia (Ley 1755 de 2015, art. 21, "funcionario sin competencia"): when the
 * alcaldía is not the competent authority, it sends the petition to the competent entity within 5
 * business days of receiving it, tells the petitioner (with a copy of the remission), and the
 * competent entity's own term starts when it receives the petition. Pure: what a transfer must
 * carry, and the 5-day limit from the business-day calendar.
 */
import { isLongerThan } from "./text-length.ts";

/** Art. 21: "dentro de los cinco (5) días siguientes al de la recepción". */
export const TRANSFER_TERM_BUSINESS_DAYS = 5;
export const TRANSFER_RULE = "Ley 1755 de 2015, art. 21";

export const MAX_ENTITY_NAME_LENGTH = 200;
export const MAX_ENTITY_EMAIL_LENGTH = 254;
export const MAX_ENTITY_REFERENCE_LENGTH = 100;
export const MAX_TRANSFER_REASON_LENGTH = 2000;

/** What the official gives: the receiving entity and why the alcaldía is not competent. */
export interface TransferInput {
  /** The competent entity's name ("Superintendencia de Servicios Públicos Domiciliarios"). */
  entityName: string;
  /** Where the remission is e-mailed, if anywhere. */
  entityEmail?: string | undefined;
  /** The entity's own radicado or the remission's number, when known. */
  entityReference?: string | undefined;
  reason: string;
}

export type TransferInputError =
  | "entity_required"
  | "entity_too_long"
  | "invalid_email"
  | "entity_reference_too_long"
  | "transfer_reason_required"
  | "text_too_long";

/** The form field each refusal belongs to (the back-office shows the error beside it). */
export const TRANSFER_ERROR_FIELD: Record<TransferInputError, keyof TransferInput> = {
  entity_required: "entityName",
  entity_too_long: "entityName",
  invalid_email: "entityEmail",
  entity_reference_too_long: "entityReference",
  transfer_reason_required: "reason",
  text_too_long: "reason",
};

/** A transfer as recorded: trimmed, empty optional fields as null. */
export interface CheckedTransfer {
  entityName: string;
  entityEmail: string | null;
  entityReference: string | null;
  reason: string;
}

/** One address, no spaces or display name: what an SMTP envelope accepts. */
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

export function isEmailAddress(value: string): boolean {
  return value.length <= MAX_ENTITY_EMAIL_LENGTH && EMAIL.test(value);
}

/** Checks and normalizes what an official typed; the first problem found is returned. */
export function checkTransferInput(
  input: TransferInput,
): { ok: true; value: CheckedTransfer } | { ok: false; error: TransferInputError } {
  const entityName = input.entityName.trim().replace(/\s+/g, " ");
  const entityEmail = input.entityEmail?.trim() ?? "";
  const entityReference = input.entityReference?.trim() ?? "";
  const reason = input.reason.trim();
  if (!entityName) return { ok: false, error: "entity_required" };
  if (isLongerThan(entityName, MAX_ENTITY_NAME_LENGTH)) return { ok: false, error: "entity_too_long" };
  if (entityEmail && !isEmailAddress(entityEmail)) return { ok: false, error: "invalid_email" };
  if (isLongerThan(entityReference, MAX_ENTITY_REFERENCE_LENGTH))
    return { ok: false, error: "entity_reference_too_long" };
  if (!reason) return { ok: false, error: "transfer_reason_required" };
  if (isLongerThan(reason, MAX_TRANSFER_REASON_LENGTH)) return { ok: false, error: "text_too_long" };
  return {
    ok: true,
    value: { entityName, entityEmail: entityEmail || null, entityReference: entityReference || null, reason },
  };
}

/** What a question's `transferred` history entry holds. */
export interface TransferRecord extends CheckedTransfer {
  /** Last day of the 5 business days (local date). */
  limit: string;
  /** Sent after `limit`: "trasladada fuera de término". */
  late: boolean;
  /** The remission was queued by e-mail to `entityEmail`. */
  remitted: boolean;
}

/** The `transferred` history entry's data, read back (null when it is not one). */
export function transferRecordOf(data: Record<string, unknown>): TransferRecord | null {
  if (typeof data.entityName !== "string" || typeof data.limit !== "string") return null;
  const text = (v: unknown) => (typeof v === "string" && v ? v : null);
  return {
    entityName: data.entityName,
    entityEmail: text(data.entityEmail),
    entityReference: text(data.entityReference),
    reason: typeof data.reason === "string" ? data.reason : "",
    limit: data.limit,
    late: data.late === true,
    remitted: data.remitted === true,
  };
}
