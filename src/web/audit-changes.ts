/**
 * An audit entry's before → after as people read it (the Registro page): only the fields that
 * changed when both sides are known, times as local dates instead of epoch milliseconds, lists as
 * lists. The stored entry keeps the raw values; this is presentation only.
 */

export interface AuditChange {
  field: string;
  before?: string;
  after?: string;
}

/** A field holding an instant (`answeredAtMs`, `dueAtMs`…) in epoch milliseconds. */
const isInstant = (field: string, value: unknown): value is number =>
  typeof value === "number" && /(At|Until|Since)Ms$|^atMs$/.test(field) && value > 1e11;

function shown(field: string, value: unknown, dateTime: (ms: number) => string): string {
  if (value === null || value === undefined || value === "") return "—";
  if (isInstant(field, value)) return dateTime(value);
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object"))
    return value.length ? value.map(String).join(", ") : "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function auditChanges(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
  dateTime: (ms: number) => string,
): AuditChange[] {
  const fields = [...new Set([...Object.keys(after ?? {}), ...Object.keys(before ?? {})])];
  const differs = (f: string) => JSON.stringify(before?.[f]) !== JSON.stringify(after?.[f]);
  // With both sides, the fields that changed; a creation or a refusal shows everything it has.
  const listed = before && after && fields.some(differs) ? fields.filter(differs) : fields;
  return listed.map((field) => ({
    field,
    ...(before ? { before: shown(field, before[field], dateTime) } : {}),
    ...(after ? { after: shown(field, after[field], dateTime) } : {}),
  }));
}
