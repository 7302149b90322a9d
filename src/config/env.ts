/**
 * Environment variables, validated with zod. A bad value becomes a ConfigError that names the
 * variable, what was expected and how to fix it; entry points print it without a stack trace.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { ConfigError } from "./errors.ts";

/**
 * Repository root: the nearest folder above this module that holds Rinde's package.json. Found by
 * walking up rather than a fixed "../..", because this module runs both from `src/config/` (tsx,
 * tests) and from the bundle in `dist/` (`npm start`, `rinde`), and the assets (flows/, locales/,
 * migrations/, profiles) stay in the repository in both cases.
 */
export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "migrations"))) return dir;
    if (dirname(dir) === dir)
      throw new Error(`Rinde's folder (package.json with migrations/) not found above ${start}`);
  }
}
export const PROFILES_DIR = join(PROJECT_ROOT, "src/config/profiles");
/** The conversation flows (`*.yaml`) and survey definitions (`surveys/*.yaml`). */
export const FLOWS_DIR = join(PROJECT_ROOT, "flows");

const flag = z
  .enum(["0", "1", "true", "false", "yes", "no", ""])
  .transform((v) => v === "1" || v === "true" || v === "yes");

const envSchema = z.object({
  RINDE_DB: z.string().min(1).default("./data/rinde.db"),
  /** PostgreSQL instead of the SQLite file (issue 13): postgres://user:pass@host:5432/db[?schema=name]. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, "a postgres:// address, e.g. postgres://rinde@127.0.0.1:5432/rinde")
    .optional(),
  /** Connections per process in the PostgreSQL pool. */
  RINDE_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** The installation secret (keyed hashes) on PostgreSQL; every process must read the same file. Default: rinde.key beside RINDE_DB. */
  RINDE_SECRET_FILE: z.string().min(1).optional(),
  RINDE_PROFILE: z.string().min(1).default("default"),
  RINDE_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  RINDE_DB_SYNC: z.enum(["normal", "full"]).default("normal"),
  RINDE_CONSOLE: z.enum(["auto", "on", "off"]).default("auto"),
  RINDE_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /** Where the public transparency pages are served (issue 15); chat messages link to them when set. */
  RINDE_PUBLIC_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//, "an http(s) address")
    .optional(),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "a token from @BotFather, like 123456:ABC-DEF...")
    .optional(),
  TELEGRAM_API_ROOT: z.string().url().optional(),
  TELEGRAM_WEBHOOK_URL: z.string().url().optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, "1-256 characters A-Z, a-z, 0-9, _ or -")
    .optional(),
  TELEGRAM_WEBHOOK_PORT: z.coerce.number().int().min(1).max(65535).default(8443),
  // Loopback by default: the TLS reverse proxy in front reaches it, nothing else (issue 19).
  TELEGRAM_WEBHOOK_HOST: z.string().min(1).default("127.0.0.1"),
  WHATSAPP_ENABLED: flag.default(false),
  // Back-office (issue 14): served by `npm start` on RINDE_WEB_HOST:RINDE_WEB_PORT; RINDE_WEB=off disables it.
  RINDE_WEB: z.enum(["on", "off"]).default("on"),
  /** Staff e-mail notices (issue 14): smtp://user:pass@host:port or smtps://…; unset: no e-mail. */
  RINDE_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, "an smtp:// or smtps:// address")
    .optional(),
  RINDE_SMTP_FROM: z.string().min(3).default("Rinde <rinde@localhost>"),
  RINDE_WEB_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  RINDE_WEB_HOST: z.string().min(1).default("127.0.0.1"),
  WHATSAPP_PHONE: z
    .string()
    .regex(/^\d{8,15}$/, "digits only, with country code, e.g. 573001234567")
    .optional(),
  // Safe sending on an unofficial client: slow, uneven pace (README "WhatsApp").
  WHATSAPP_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(120).default(12),
  WHATSAPP_SEND_JITTER_MS: z.coerce.number().int().min(0).max(60_000).default(3000),
  // WhatsApp Cloud API, Meta's official channel (issue 17; README "WhatsApp Cloud API").
  WHATSAPP_MODE: z.enum(["baileys", "cloud"]).default("baileys"),
  WHATSAPP_PHONE_NUMBER_ID: z
    .string()
    .regex(/^\d{5,30}$/, "the digits of the phone number id Meta shows under WhatsApp → API Setup")
    .optional(),
  WHATSAPP_ACCESS_TOKEN: z.string().min(20).optional(),
  WHATSAPP_APP_SECRET: z.string().min(8).optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(8).optional(),
  WHATSAPP_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, "like v21.0")
    .default("v21.0"),
  WHATSAPP_GRAPH_URL: z.string().url().default("https://graph.facebook.com"),
  WHATSAPP_CLOUD_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(80),
});

export type Env = z.infer<typeof envSchema>;

const hints: Record<string, string> = {
  RINDE_DB: "Set it to a file path, e.g. RINDE_DB=./data/rinde.db",
  RINDE_PROFILE: "Use a profile name (default, bucaramanga, pasto, ibague, cartagena) or a YAML path",
  RINDE_LOG_LEVEL: "Use one of fatal, error, warn, info, debug, trace, silent",
  TELEGRAM_BOT_TOKEN: "Copy the token @BotFather gave you, or unset the variable to disable Telegram",
  RINDE_PUBLIC_URL:
    "Use the public address (public pages and back-office, behind TLS), e.g. https://rinde.example.gov.co, or unset it",
  WHATSAPP_ENABLED: "Use 1 to enable WhatsApp or 0 to disable it",
  RINDE_SMTP_URL: "Use smtp://user:password@host:587 or smtps://user:password@host:465, or unset it to send no e-mail",
  RINDE_WEB: "Use on (default) to serve the back-office with npm start, or off",
  RINDE_WEB_PORT: "Use a TCP port from 0 to 65535 (default 3000)",
  RINDE_WEB_HOST: "Use the address to listen on, e.g. 127.0.0.1 (default) or 0.0.0.0 behind a firewall",
  TELEGRAM_WEBHOOK_HOST:
    "Use the address the webhook server listens on: 127.0.0.1 (default, proxy on this machine) or 0.0.0.0 (proxy elsewhere)",
  WHATSAPP_RATE_PER_MINUTE: "Use a whole number of messages per minute from 1 to 120 (default 12; keep it low)",
  WHATSAPP_SEND_JITTER_MS: "Use milliseconds from 0 to 60000 (default 3000)",
  WHATSAPP_MODE: "Use cloud (Meta's WhatsApp Cloud API) or baileys (the unofficial client)",
  WHATSAPP_ACCESS_TOKEN: "Use a permanent system-user token from Meta Business Settings (README, WhatsApp Cloud API)",
  WHATSAPP_APP_SECRET: "Copy it from the Meta app: App settings → Basic → App secret",
  WHATSAPP_VERIFY_TOKEN:
    "Choose a random string of at least 8 characters and type the same one in the app's webhook settings",
};

/** Parses `source` (normally process.env). Empty strings count as unset. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  // Parsed once per process: zod's compiled fast path would cost more to build than it saves.
  const result = envSchema.safeParse(cleaned, { jitless: true });
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "environment");
    const hint = hints[name] ? ` ${hints[name]}.` : "";
    return `  ${name}: ${issue.message}.${hint}`;
  });
  throw new ConfigError("env_invalid", `Invalid environment variable:\n${lines.join("\n")}`);
}

/** Resolves RINDE_PROFILE: a bare name is looked up in src/config/profiles/, anything else is a path. */
export function resolveProfilePath(value: string): string {
  if (/^[a-z0-9_-]+$/.test(value)) {
    const candidate = join(PROFILES_DIR, `${value}.yaml`);
    if (existsSync(candidate)) return candidate;
    throw new ConfigError(
      "profile_unknown",
      `RINDE_PROFILE: no profile named '${value}' in ${PROFILES_DIR}. Use a name listed there or a YAML path.`,
    );
  }
  return isAbsolute(value) ? value : resolve(process.cwd(), value);
}
