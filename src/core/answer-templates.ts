/**
 * Answer templates' variables (issue 14): `{{radicado}}`, `{{dependencia}}`, `{{fecha_limite}}`,
 * `{{funcionario}}` and `{{entidad}}`, in Spanish because staff write them. Pure.
 */
export const TEMPLATE_VARIABLES = ["radicado", "dependencia", "fecha_limite", "funcionario", "entidad"] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

const VARIABLE = /\{\{\s*([^{}\s]*)\s*\}\}/g;

/** Variables a template names that are not among {@link TEMPLATE_VARIABLES}, each once. */
export function unknownTemplateVariables(body: string): string[] {
  const known = new Set<string>(TEMPLATE_VARIABLES);
  return [...new Set([...body.matchAll(VARIABLE)].map((m) => m[1]!).filter((name) => !known.has(name)))];
}

/** The template with its variables replaced; an unknown one is left as written. */
export function fillTemplate(body: string, values: Record<TemplateVariable, string>): string {
  return body.replace(VARIABLE, (whole, name: string) => (name in values ? values[name as TemplateVariable] : whole));
}
