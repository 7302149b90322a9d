/**
 * The surveys repository over an app's database, created once per database (prepared queries
 * reused), and the definition a run was started with.
 */
import { surveyDefinitionSchema, type SurveyDefinition } from "../core/surveys/index.ts";
import type { Db } from "../db/client.ts";
import { createSurveysRepo, type SurveyRunRow, type SurveysRepo } from "../db/repositories/surveys.ts";
import type { AppContext } from "./context.ts";

const repos = new WeakMap<Db, SurveysRepo>();

export function surveysRepo(app: Pick<AppContext, "db">): SurveysRepo {
  let repo = repos.get(app.db);
  if (!repo) {
    repo = createSurveysRepo(app.db);
    repos.set(app.db, repo);
  }
  return repo;
}

/** The definition snapshot stored on a run (validated when the run was made). */
export function definitionOf(run: Pick<SurveyRunRow, "definition">): SurveyDefinition {
  return surveyDefinitionSchema.parse(JSON.parse(run.definition));
}
