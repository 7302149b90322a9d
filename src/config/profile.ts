/**
 * Municipality profile: who the alcaldía is, its offices, request types with their legal terms,
 * districts and the data-treatment notice. Loaded from YAML and validated whole with zod, so a typo
 * in a profile stops start-up with `file › path: problem` instead of misrouting a petition.
 */
import { readFileSync } from "node:fs";
import { parseYamlCached } from "./yaml.ts";
import { z } from "zod";
import { ConfigError, formatZodIssues } from "./errors.ts";
import { whatsappTemplatesSchema } from "./whatsapp-templates.ts";

/** The reference office taxonomy keys (../shared/routing/offices.yaml); profiles map onto them. */
export const OFFICE_CATEGORIES = [
  "atencion_ciudadano",
  "planeacion",
  "hacienda",
  "salud",
  "educacion",
  "movilidad",
  "infraestructura",
  "gobierno",
  "desarrollo_social",
  "ambiente",
  "cultura",
  "contratacion",
  "vivienda",
  "desarrollo_economico",
] as const;
export type OfficeCategory = (typeof OFFICE_CATEGORIES)[number];

/** Request types and their default terms in business days (Ley 1755 de 2015, art. 14; Ley 1757 de 2015). */
export const REQUEST_TYPES = ["general", "information", "consultation", "dialogue"] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];
export const DEFAULT_TERMS_BUSINESS_DAYS: Record<RequestType, number> = {
  general: 15,
  information: 10,
  consultation: 30,
  dialogue: 15,
};

const key = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "use lowercase letters, digits, '-' or '_'");
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM, 24-hour clock");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD");

const officeSchema = z
  .object({
    key,
    category: z.enum(OFFICE_CATEGORIES),
    name: z.string().min(3),
    head: z.string().min(3).describe("title (and name, if public) of the office head"),
    description: z.string().min(10),
    keywords: z.array(z.string().min(2)).default([]),
    examples: z.array(z.string().min(5)).default([]),
  })
  .strict();

const requestTypeSchema = z
  .object({
    key: z.enum(REQUEST_TYPES),
    termBusinessDays: z.number().int().min(1).max(90),
  })
  .strict();

const districtSchema = z
  .object({
    key,
    name: z.string().min(2),
    kind: z.enum(["comuna", "corregimiento", "vereda", "localidad", "zona"]),
    /** Barrios and veredas inside it, so citizens who know only those find their district. */
    places: z.array(z.string().min(2)).default([]),
  })
  .strict();

const dataNoticeSchema = z
  .object({
    version: z.string().min(1),
    controller: z.string().min(3).describe("entity responsible for the treatment, with NIT"),
    address: z.string().min(3),
    email: z.string().email(),
    phone: z.string().min(5),
    policyUrl: z.string().url(),
  })
  .strict();

export const profileSchema = z
  .object({
    id: key,
    name: z.string().min(3),
    municipality: z.string().min(2),
    department: z.string().min(2),
    /** The municipality's DIVIPOLA code (DANE, 5 digits), carried by every open-data row. */
    divipola: z.string().regex(/^\d{5}$/, "use the 5-digit DANE DIVIPOLA code, e.g. 68001"),
    /** Public pages (issue 15): percentages only from this many cases; below it, "pocos casos". */
    transparency: z
      .object({ minCount: z.number().int().min(1).max(1000).default(10) })
      .strict()
      .default({ minCount: 10 }),
    timezone: z.string().default("America/Bogota"),
    officeHours: z.object({ start: clockTime, end: clockTime }).strict().default({ start: "08:00", end: "17:00" }),
    quietHours: z.object({ start: clockTime, end: clockTime }).strict().default({ start: "21:00", end: "07:00" }),
    dueSoonBusinessDays: z.number().int().min(0).max(30).default(3),
    /**
     * Officials' answers wait for their office head's approval before they reach the citizen
     * (issue 14; src/services/questions/answer-approval.ts). Heads and admins answer directly.
     */
    answerApproval: z.boolean().default(false),
    /**
     * Deadline alerts to officials (src/services/deadlines/deadlines.ts): reminders N business days before the
     * due date (0 = on the due day), sent at office opening, and the time of the daily digest.
     */
    reminders: z
      .object({
        businessDaysBefore: z.array(z.number().int().min(0).max(30)).max(10).default([5, 2, 0]),
        digestTime: clockTime.default("08:00"),
      })
      .strict()
      .default({ businessDaysBefore: [5, 2, 0], digestTime: "08:00" }),
    nonWorkingDays: z.array(isoDate).default([]),
    routing: z
      .object({
        confirmThreshold: z.number().min(0).max(1).default(0.5),
        fallbackOffice: key.optional(),
      })
      .strict()
      .default({ confirmThreshold: 0.5 }),
    offices: z.array(officeSchema).min(1),
    requestTypes: z.array(requestTypeSchema).default([]),
    districts: z.array(districtSchema).default([]),
    /**
     * Topics citizens subscribe to and events are tagged with (src/services/events/subscriptions.ts).
     * When empty, the offices are the topics (each office's key and name).
     */
    topics: z.array(z.object({ key, name: z.string().min(2) }).strict()).default([]),
    dataNotice: dataNoticeSchema,
    /**
     * Who leads the accountability plan (src/services/plan/): an office (its group chats and
     * officials) or one official by id. Gets the monthly digest of the plan; may load it.
     */
    planLeader: z
      .union([z.object({ office: key }).strict(), z.object({ official: z.number().int().positive() }).strict()])
      .optional(),
    /**
     * What rendición de cuentas looks like here, for citizens (menu "Información sobre la rendición
     * de cuentas"): when hearings happen and where the management reports are published.
     */
    accountability: z
      .object({
        hearings: z.string().min(10).describe("when and how public hearings happen, one sentence"),
        reportsWhere: z
          .string()
          .min(3)
          .describe("where reports are published, e.g. 'la página web, sección Transparencia'"),
        reportsUrl: z.string().url(),
      })
      .strict()
      .optional(),
    /** WhatsApp Cloud templates for messages outside the 24-hour window (src/config/whatsapp-templates.ts). */
    whatsappTemplates: whatsappTemplatesSchema,
  })
  .strict()
  .superRefine((profile, ctx) => {
    const seen = new Set<string>();
    profile.offices.forEach((office, i) => {
      if (seen.has(office.key)) {
        ctx.addIssue({ code: "custom", path: ["offices", i, "key"], message: `duplicate office key '${office.key}'` });
      }
      seen.add(office.key);
    });
    if (profile.planLeader && "office" in profile.planLeader && !seen.has(profile.planLeader.office)) {
      ctx.addIssue({
        code: "custom",
        path: ["planLeader", "office"],
        message: `unknown office '${profile.planLeader.office}'`,
      });
    }
    const fallback = profile.routing.fallbackOffice;
    if (fallback && !seen.has(fallback)) {
      ctx.addIssue({ code: "custom", path: ["routing", "fallbackOffice"], message: `unknown office '${fallback}'` });
    }
    const districtKeys = new Set<string>();
    profile.districts.forEach((d, i) => {
      if (districtKeys.has(d.key)) {
        ctx.addIssue({ code: "custom", path: ["districts", i, "key"], message: `duplicate district key '${d.key}'` });
      }
      districtKeys.add(d.key);
    });
    const typeKeys = new Set<string>();
    profile.requestTypes.forEach((t, i) => {
      if (typeKeys.has(t.key)) {
        ctx.addIssue({
          code: "custom",
          path: ["requestTypes", i, "key"],
          message: `duplicate request type '${t.key}'`,
        });
      }
      typeKeys.add(t.key);
    });
    if (!isValidTimeZone(profile.timezone)) {
      ctx.addIssue({ code: "custom", path: ["timezone"], message: `unknown IANA time zone '${profile.timezone}'` });
    }
  });

type ParsedProfile = z.infer<typeof profileSchema>;
export type Office = ParsedProfile["offices"][number];
export type District = ParsedProfile["districts"][number];

/** A validated profile with every request type present (defaults filled in from DESIGN.md). */
export type Profile = Omit<ParsedProfile, "requestTypes"> & {
  requestTypes: Record<RequestType, { termBusinessDays: number }>;
  /** Absolute path of the YAML file it came from, for messages. */
  source: string;
};

/**
 * Whether ICU knows the zone. The list of canonical zones first: building a DateTimeFormat loads
 * ICU's date patterns (~20 ms of CPU, the largest part of reading a profile), which a CLI command
 * that shows no date never needs; aliases (`US/Eastern`) fall through to it.
 */
function isValidTimeZone(zone: string): boolean {
  if (Intl.supportedValuesOf("timeZone").includes(zone)) return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Validates an already-parsed YAML document. Throws ConfigError naming `source › path: problem`. */
export function parseProfile(doc: unknown, source: string): Profile {
  // Parsed once per process: zod's compiled fast path would cost more to build than it saves.
  const result = profileSchema.safeParse(doc, { jitless: true });
  if (!result.success) {
    throw new ConfigError("profile_invalid", `Invalid municipality profile:\n${formatZodIssues(source, result.error)}`);
  }
  const requestTypes = Object.fromEntries(
    REQUEST_TYPES.map((t) => [
      t,
      {
        termBusinessDays:
          result.data.requestTypes.find((r) => r.key === t)?.termBusinessDays ?? DEFAULT_TERMS_BUSINESS_DAYS[t],
      },
    ]),
  ) as Profile["requestTypes"];
  return { ...result.data, requestTypes, source };
}

/** Reads and validates a profile file. */
export function loadProfile(path: string): Profile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ConfigError("profile_missing", `Cannot read municipality profile '${path}'. Check RINDE_PROFILE.`);
  }
  let doc: unknown;
  try {
    doc = parseYamlCached(text);
  } catch (error) {
    throw new ConfigError("profile_yaml", `${path}: not valid YAML: ${(error as Error).message}`);
  }
  return parseProfile(doc, path);
}
