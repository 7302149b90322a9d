/**
 * The one line `npm start` prints when it cannot start on an error that is not a configuration
 * mistake (those are ConfigErrors, printed as they are): a database it cannot reach or open says
 * so in the staff's language (RINDE_LANG, Spanish by default), as `rinde` does; anything else is
 * one line without a stack trace (RINDE_DEBUG=1 adds it). Loaded only on that path.
 */
import { cliErrorOfOpen } from "./cli/commands/db.ts";
import { errorLine, unexpectedDetail } from "./cli/run.ts";
import { createTranslator } from "./i18n/index.ts";

export function startFailureLines(error: unknown, env: Record<string, string | undefined>): string[] {
  const translator = createTranslator();
  const lang = env.RINDE_LANG === "en" ? "en" : "es";
  const t = (key: string, vars?: Record<string, unknown>) => translator.t(lang, `cli.${key}`, vars);
  const known = cliErrorOfOpen(error, { DATABASE_URL: env.DATABASE_URL, RINDE_DB: env.RINDE_DB ?? "" });
  const line = `Rinde: ${known ? errorLine(t, known) : t("errors.unexpected", { detail: unexpectedDetail(error) })}`;
  return env.RINDE_DEBUG === "1" && error instanceof Error && error.stack ? [line, error.stack] : [line];
}
