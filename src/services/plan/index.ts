/** The accountability plan feature (issue 16): load, measure, follow up, evaluate. */
export { importPlanFromCsv, importPlanFromFile } from "./import.ts";
export { ensurePlanJobs, planJobHandlers, PLAN_JOB_KINDS, remindActivity, sendPlanDigest } from "./jobs.ts";
export { parsePlan, planContextOf, readPlanFile, storePlan } from "./load.ts";
export { publishAnswerReport, recordPlanProgress, type PlanError } from "./progress.ts";
export { planReport, publicPlanReport, type PlanReport } from "./report.ts";
export { planStatus, type ActivityStatus, type PlanStatus } from "./status.ts";
