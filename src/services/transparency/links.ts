/**
 * Links from the chat to the public pages (issue 15), only when RINDE_PUBLIC_URL is set: the
 * "Información sobre la rendición de cuentas" text, commitment notices and details, and event cards.
 */
import { render, type AppContext, type TextContext } from "../context.ts";

/** The public address of `path` (e.g. `/compromisos/12`) in the citizen's language, or null without RINDE_PUBLIC_URL. */
export function publicPageUrl(app: Pick<AppContext, "publicUrl">, path: string, locale = "es"): string | null {
  if (!app.publicUrl) return null;
  return `${app.publicUrl}${path}${locale === "en" ? `${path.includes("?") ? "&" : "?"}lang=en` : ""}`;
}

/** A line "More on the public page: <url>" (locale key `publico.chat.<kind>`), with a leading newline; empty without a public address. */
export function publicLinkLine(
  app: Pick<AppContext, "publicUrl"> & TextContext,
  locale: string,
  kind: "site" | "commitment" | "event",
  path: string,
): string {
  const url = publicPageUrl(app, path, locale);
  return url ? `\n${render(app, locale, `publico.chat.${kind}`, { url })}` : "";
}
