/**
 * Database schema. Timestamps are UTC epoch milliseconds (`...AtMs`); civil dates in the profile's
 * time zone are `YYYY-MM-DD` text. Nothing here is SQLite-only beyond the column builders, so the
 * planned PostgreSQL deployment maps table by table.
 */
import { sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import type { PlanDefinition } from "../core/plan/definition.ts";
import { SENT_REF_KINDS, type StaffPromptRef } from "./sent-ref-kinds.ts";

export const citizens = sqliteTable("citizens", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  locale: text("locale").notNull().default("es"),
  /** Current consent state, denormalized from `consents` (the proof) for the hot path. */
  consent: text("consent", { enum: ["none", "granted", "refused", "revoked"] })
    .notNull()
    .default("none"),
  createdAtMs: integer("created_at_ms").notNull(),
  /** Set when the citizen asked to delete their data; the row stays as an anonymous anchor. */
  deletedAtMs: integer("deleted_at_ms"),
});

export const channelIdentities = sqliteTable(
  "channel_identities",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    citizenId: integer("citizen_id")
      .notNull()
      .references(() => citizens.id),
    channel: text("channel").notNull(),
    address: text("address").notNull(),
    unreachableAtMs: integer("unreachable_at_ms"),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (t) => [
    uniqueIndex("channel_identities_channel_address").on(t.channel, t.address),
    index("channel_identities_citizen").on(t.citizenId),
  ],
);

/** Append-only proof of each consent decision (Ley 1581 de 2012, Decreto 1377 de 2013 art. 5, 8). */
export const consents = sqliteTable(
  "consents",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    citizenId: integer("citizen_id")
      .notNull()
      .references(() => citizens.id),
    decision: text("decision", { enum: ["granted", "refused", "revoked"] }).notNull(),
    noticeVersion: text("notice_version").notNull(),
    channel: text("channel").notNull(),
    decidedAtMs: integer("decided_at_ms").notNull(),
  },
  (t) => [index("consents_citizen").on(t.citizenId)],
);

export const conversations = sqliteTable("conversations", {
  citizenId: integer("citizen_id")
    .primaryKey()
    .references(() => citizens.id),
  flowId: text("flow_id").notNull(),
  stepId: text("step_id").notNull(),
  flowVersion: integer("flow_version").notNull(),
  /** JSON object of the flow's variables. */
  data: text("data").notNull().default("{}"),
  updatedAtMs: integer("updated_at_ms").notNull(),
});

/** Inbound log: a channel message id seen once is never processed again. No message text is kept. */
export const inboundMessages = sqliteTable(
  "inbound_messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    channel: text("channel").notNull(),
    channelMessageId: text("channel_message_id").notNull(),
    receivedAtMs: integer("received_at_ms").notNull(),
    /**
     * The citizen who wrote it, so an erasure can drop their rows beyond the deduplication window;
     * cleared by the erasure for the rows it keeps.
     */
    citizenId: integer("citizen_id").references(() => citizens.id),
  },
  (t) => [
    uniqueIndex("inbound_messages_channel_message").on(t.channel, t.channelMessageId),
    index("inbound_messages_citizen").on(t.citizenId),
  ],
);

export const offices = sqliteTable("offices", {
  key: text("key").primaryKey(),
  category: text("category").notNull(),
  name: text("name").notNull(),
  head: text("head").notNull(),
  description: text("description").notNull(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  telegramChatId: text("telegram_chat_id"),
  whatsappJid: text("whatsapp_jid"),
  updatedAtMs: integer("updated_at_ms").notNull(),
});

/**
 * Append-only history of an office's configuration changes made from chats (binding a group, an
 * administrator moving a group from another office): who, what, when, before → after. Shaped like
 * the staff audit log (`audit_log`, being added separately) so its rows can move there as they are.
 */
export const officeEvents = sqliteTable(
  "office_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    officeKey: text("office_key")
      .notNull()
      .references(() => offices.key),
    /** `group_bound`, `group_moved_in`, `group_moved_out`. */
    kind: text("kind").notNull(),
    /** `official:<id>`, `cli` or `system`. */
    actor: text("actor").notNull(),
    atMs: integer("at_ms").notNull(),
    /** JSON: { channel, chat, before, after }. A group chat's id, never a citizen's. */
    data: text("data").notNull().default("{}"),
  },
  (t) => [index("office_events_office").on(t.officeKey, t.id)],
);

export const officials = sqliteTable(
  "officials",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    officeKey: text("office_key").references(() => offices.key),
    role: text("role", { enum: ["official", "head", "communications", "internal_control", "admin"] }).notNull(),
    channel: text("channel"),
    address: text("address"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAtMs: integer("created_at_ms").notNull(),
    removedAtMs: integer("removed_at_ms"),
    /** Web back-office sign-in name (issue 14); lower-case e-mail address. Null: chat sign-in only. */
    email: text("email"),
    /** scrypt hash (`scrypt$N$r$p$salt$hash`, base64url) of the back-office password, if one was set. */
    passwordHash: text("password_hash"),
    /** Set by an admin: sign-in needs the password, a chat link alone is not enough. */
    passwordRequired: integer("password_required", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    index("officials_office").on(t.officeKey),
    index("officials_channel_address").on(t.channel, t.address),
    uniqueIndex("officials_email").on(t.email),
  ],
);

/** Last radicado sequence per year; incremented inside the filing transaction. */
export const referenceCounters = sqliteTable("reference_counters", {
  year: integer("year").primaryKey(),
  lastSeq: integer("last_seq").notNull(),
});

export const questions = sqliteTable(
  "questions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    reference: text("reference").notNull(),
    citizenId: integer("citizen_id")
      .notNull()
      .references(() => citizens.id),
    officeKey: text("office_key")
      .notNull()
      .references(() => offices.key),
    requestType: text("request_type", { enum: ["general", "information", "consultation", "dialogue"] }).notNull(),
    /** `transferred`: sent to the competent entity (traslado, Ley 1755 de 2015 art. 21); the alcaldía's term ends. */
    status: text("status", { enum: ["open", "info_requested", "answered", "withdrawn", "transferred"] }).notNull(),
    /** The citizen's text; replaced by a placeholder if the citizen deletes their data. */
    text: text("text").notNull(),
    channel: text("channel").notNull(),
    filedAtMs: integer("filed_at_ms").notNull(),
    termBusinessDays: integer("term_business_days").notNull(),
    dueDate: text("due_date").notNull(),
    /**
     * The instant the current legal term started: the filing, or the citizen's answer to an info
     * request (Ley 1755 de 2015, art. 17). Null on rows filed before it existed: then filedAtMs.
     */
    termStartedAtMs: integer("term_started_at_ms"),
    /** The new date set by an extension (prórroga, art. 14 parágrafo); dueDate follows it. */
    extendedTo: text("extended_to"),
    answerText: text("answer_text"),
    answeredAtMs: integer("answered_at_ms"),
    answeredBy: integer("answered_by").references(() => officials.id),
    updatedAtMs: integer("updated_at_ms").notNull(),
    /** The dialogue event the question was sent for (requestType "dialogue"); null otherwise. */
    eventId: integer("event_id").references((): AnySQLiteColumn => events.id),
    /**
     * Whether the answer is published on the public pages (issue 15): null = the default by type
     * (on for dialogue-space questions, Ley 1757 de 2015; off for ordinary petitions).
     */
    publishAnswer: integer("publish_answer", { mode: "boolean" }),
    /** The office's edited summary of the question, the only question text ever published. */
    publishedSummary: text("published_summary"),
    /**
     * The answer as the office wrote or confirmed it for the public pages (issue 15). Null: the
     * recorded answer is published only if no personal data is found in it
     * (src/core/transparency/personal-data.ts); until then the pages say it is under review.
     */
    publishedAnswer: text("published_answer"),
    /** The official of the office working on it (back-office "asignadas a mí"); null: not assigned. */
    assignedTo: integer("assigned_to").references((): AnySQLiteColumn => officials.id),
  },
  (t) => [
    uniqueIndex("questions_reference").on(t.reference),
    index("questions_assigned_status_due").on(t.assignedTo, t.status, t.dueDate),
    // Public figures (src/services/transparency/answers.ts) read only this index, never the rows.
    index("questions_public_stats").on(
      t.filedAtMs,
      t.officeKey,
      t.status,
      t.dueDate,
      t.answeredAtMs,
      t.termStartedAtMs,
      t.extendedTo,
    ),
    // (event, status): the public pages count each event's questions and answers from the index alone.
    index("questions_event").on(t.eventId, t.status),
    index("questions_citizen").on(t.citizenId),
    // Office + status + due date: the per-office digest and `/pendientes` read due dates in order.
    index("questions_office_status_due").on(t.officeKey, t.status, t.dueDate),
    // Office + due date (+ id): the back-office inbox's "todas" view pages an office's questions of every
    // status by due date without sorting them all (issue 14: p95 ≤ 30 ms among 100,000 questions).
    index("questions_office_due").on(t.officeKey, t.dueDate, t.id),
    index("questions_status_due").on(t.status, t.dueDate),
    // Answers an office chose to publish (issue 15, /preguntas/peticiones): ordinary petitions among
    // them are counted and paged newest first from this small partial index.
    index("questions_published_petitions")
      .on(t.answeredAtMs, t.id)
      .where(sql`publish_answer = 1`),
  ],
);

/** Append-only history of a question: filing, routing, reassignment, info requests, answers. */
export const questionEvents = sqliteTable(
  "question_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    questionId: integer("question_id")
      .notNull()
      .references(() => questions.id),
    kind: text("kind").notNull(),
    /** `citizen`, `official:<id>`, `cli` or `system`. */
    actor: text("actor").notNull(),
    atMs: integer("at_ms").notNull(),
    /** JSON details (office keys, reason, ...). Never the citizen's personal data. */
    data: text("data").notNull().default("{}"),
  },
  // (kind, id): the router picks up new reassignments with `kind = 'reassigned' and id > ?`.
  (t) => [index("question_events_question").on(t.questionId), index("question_events_kind").on(t.kind, t.id)],
);

export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** One logical message, one key: a retried enqueue or a crash never doubles a send. */
    idempotencyKey: text("idempotency_key").notNull(),
    channel: text("channel").notNull(),
    address: text("address").notNull(),
    citizenId: integer("citizen_id").references(() => citizens.id),
    /** 0 = replies and notices to one person; 1 = bulk (announcements). Lower goes first. */
    priority: integer("priority").notNull().default(0),
    /** JSON OutboundMessage body: text, options, reply/edit references. */
    payload: text("payload").notNull(),
    /**
     * `uncertain`: a send of an at-most-once row was attempted but its outcome is unknown (the
     * process died mid-send, or the connection dropped after the request): it is not repeated.
     */
    status: text("status", { enum: ["pending", "sent", "failed", "unreachable", "uncertain"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    notBeforeMs: integer("not_before_ms").notNull(),
    /**
     * A dispatcher's claim on the row: its worker id and lease, renewed while the worker lives
     * (src/delivery/worker-lease.ts); a lapsed lease, or a worker known dead, frees the row.
     */
    claimedBy: text("claimed_by"),
    claimedUntilMs: integer("claimed_until_ms"),
    /**
     * Set just before the channel is called, cleared with the outcome: a row found with it set and
     * its claim lapsed was being sent when its process died, and may or may not have arrived.
     */
    attemptStartedAtMs: integer("attempt_started_at_ms"),
    /**
     * What to do when a send's outcome is unknown (issue 19): `at_least_once` sends again (replies,
     * answers, legal notices: a citizen must get them, a duplicate is the lesser harm);
     * `at_most_once` does not (announcements, reminders, surveys: a duplicate to thousands is the
     * greater harm) and the row becomes `uncertain`.
     */
    guarantee: text("guarantee", { enum: ["at_least_once", "at_most_once"] })
      .notNull()
      .default("at_least_once"),
    /**
     * A message with legal weight for the citizen (an answer, an information request, an extension
     * notice, Ley 1755 de 2015): if their chat was unreachable, it is delivered again when they write.
     */
    legal: integer("legal", { mode: "boolean" }).notNull().default(false),
    /**
     * Once sent, the row forgets where it went (address and channel message id): the confirmation
     * of a data erasure must reach the citizen, then leave no trace of them (Ley 1581 de 2012).
     */
    forgetAddressWhenSent: integer("forget_address_when_sent", { mode: "boolean" }).notNull().default(false),
    lastError: text("last_error"),
    /** The channel's id for the sent message (to edit it later, or match replies to it). */
    channelMessageId: text("channel_message_id"),
    /** The question a notice is about, so an official's reply to it can be matched. */
    questionId: integer("question_id").references(() => questions.id),
    createdAtMs: integer("created_at_ms").notNull(),
    sentAtMs: integer("sent_at_ms"),
    /** The approved template the message went out as (WhatsApp Cloud, outside the 24-hour window); null for free-form. */
    template: text("template"),
    /** What the channel last reported about the sent message (WhatsApp Cloud status webhooks); never goes backwards. */
    deliveryStatus: text("delivery_status", { enum: ["sent", "delivered", "read", "failed"] }),
    deliveryStatusAtMs: integer("delivery_status_at_ms"),
    /** The channel's error code for a `failed` delivery status (e.g. "131026"), to explain it to staff. */
    deliveryError: text("delivery_error"),
  },
  (t) => [
    uniqueIndex("outbox_idempotency_key").on(t.idempotencyKey),
    index("outbox_due").on(t.status, t.channel, t.priority, t.notBeforeMs),
    index("outbox_channel_message").on(t.channel, t.channelMessageId),
    index("outbox_chat").on(t.channel, t.address, t.status),
    // The few rows under a claim: lease renewal and takeover read them by worker.
    index("outbox_claimed")
      .on(t.claimedBy)
      .where(sql`claimed_by is not null`),
    // The messages about a question, for its back-office page (issue 14): only rows that name one.
    index("outbox_question")
      .on(t.questionId)
      .where(sql`question_id is not null`),
  ],
);

/**
 * Which message was that? What a queued message is about, written with its outbox row: a question
 * notice in an office chat (closed by an edit once the question is answered), a staff prompt, an
 * information request to a citizen, a menu, a survey's first message. A reply, a quote or a button
 * names the channel's message id; the outbox row that carries it (once sent) leads here, so no
 * service reads idempotency keys or payloads back to recover domain state (DESIGN.md).
 */
export const sentRefs = sqliteTable(
  "sent_refs",
  {
    outboxId: integer("outbox_id")
      .notNull()
      .references(() => outbox.id),
    kind: text("kind", { enum: SENT_REF_KINDS }).notNull(),
    questionId: integer("question_id").references(() => questions.id),
    citizenId: integer("citizen_id").references(() => citizens.id),
    surveyInvitationId: integer("survey_invitation_id").references(() => surveyInvitations.id),
    /** A staff prompt: what an official's reply to it does. */
    staffPrompt: text("staff_prompt", { mode: "json" }).$type<StaffPromptRef | null>(),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.outboxId] }),
    index("sent_refs_question").on(t.questionId, t.kind),
    index("sent_refs_survey_invitation").on(t.surveyInvitationId),
  ],
);

/**
 * Processes that deliver and run jobs (dispatcher and scheduler of one bot process): a lease renewed
 * while the process lives. Claims on outbox rows and jobs name the worker; a worker whose lease
 * lapsed, or which the same machine knows to be dead (its pid is gone), no longer holds anything.
 */
export const deliveryWorkers = sqliteTable("delivery_workers", {
  id: text("id").primaryKey(),
  /** The machine: host name and kernel boot id, so a pid is only compared on the same boot. */
  host: text("host").notNull(),
  pid: integer("pid").notNull(),
  leaseUntilMs: integer("lease_until_ms").notNull(),
  startedAtMs: integer("started_at_ms").notNull(),
});

/** One-time codes officials send to the bot (`/vincular CODE`) to link their chat account. */
export const officialInvites = sqliteTable("official_invites", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  code: text("code").notNull().unique(),
  officeKey: text("office_key").references(() => offices.key),
  role: text("role", { enum: ["official", "head", "communications", "internal_control", "admin"] }).notNull(),
  name: text("name").notNull(),
  createdAtMs: integer("created_at_ms").notNull(),
  expiresAtMs: integer("expires_at_ms").notNull(),
  usedAtMs: integer("used_at_ms"),
  usedByOfficialId: integer("used_by_official_id").references(() => officials.id),
});

/**
 * WhatsApp (Baileys) auth state, kept in the database rather than loose files (DESIGN.md): the
 * credentials (`category` = "creds", `id` = "") and the Signal keys (`category` = the key type, e.g.
 * "pre-key", "session"). `value` is JSON written with Baileys' BufferJSON replacer, so binary keys
 * survive as base64. `session` names the paired number, so one database could hold several.
 */
export const whatsappAuth = sqliteTable(
  "whatsapp_auth",
  {
    session: text("session").notNull(),
    category: text("category").notNull(),
    id: text("id").notNull(),
    value: text("value").notNull(),
    updatedAtMs: integer("updated_at_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.session, t.category, t.id] })],
);

/**
 * Each chat channel's connection state as the process running it last reported it, for `rinde
 * status` and the back-office's Administración page (other processes, issue 14).
 */
export const channelState = sqliteTable("channel_state", {
  channel: text("channel").primaryKey(),
  /** e.g. connecting, pairing, open, reconnecting, logged_out, stopped. */
  state: text("state").notNull(),
  /** A short operator-facing detail (close code, next retry); never personal data. */
  detail: text("detail"),
  updatedAtMs: integer("updated_at_ms").notNull(),
  /** Since when the channel is in `state` (a report of the same state keeps it). */
  sinceMs: integer("since_ms"),
  /** The bot's own account when known: its WhatsApp number (+57…) or Telegram @username. */
  account: text("account"),
  /** The last connection error the adapter reported, and when; kept after the channel recovers. */
  lastError: text("last_error"),
  lastErrorAtMs: integer("last_error_at_ms"),
  /**
   * While WhatsApp (Baileys) waits to be linked: the QR string to show (WhatsApp replaces it about
   * every 20 s) or the pairing code, and when it stops being valid. Whoever scans it controls the
   * entity's WhatsApp: only admins see it, and every view is audited. Cleared once paired.
   */
  pairingQr: text("pairing_qr"),
  pairingCode: text("pairing_code"),
  pairingExpiresAtMs: integer("pairing_expires_at_ms"),
  /**
   * WhatsApp (Baileys): when an administrator asked from the back-office to unlink the number (the
   * phone was lost, the number changes). The process holding the socket, maybe another one, takes it
   * once and logs out; reporting `pairing` or `logged_out` clears it, so a request never reaches a
   * session paired after it.
   */
  unlinkRequestedAtMs: integer("unlink_requested_at_ms"),
});

/**
 * A channel's flood control asked every sender to stop until `pausedUntilMs` (Telegram's 429 with
 * `retry_after`): every Rinde process sharing the database respects it, not only the one that was
 * told (issue 13). One row per channel; a later pause only ever moves the instant forward.
 */
export const channelPauses = sqliteTable("channel_pauses", {
  channel: text("channel").primaryKey(),
  pausedUntilMs: integer("paused_until_ms").notNull(),
  /** The channel's words (e.g. "429: Too Many Requests: retry after 30"); never personal data. */
  reason: text("reason"),
  updatedAtMs: integer("updated_at_ms").notNull(),
});

/**
 * When each chat last wrote to us, per channel (WhatsApp Cloud allows free-form messages only within
 * 24 hours of it). The address is stored hashed, like the inbound log: only equality is needed, and
 * nothing here must outlive a data deletion.
 */
export const channelWindows = sqliteTable(
  "channel_windows",
  {
    channel: text("channel").notNull(),
    addressKey: text("address_key").notNull(),
    lastInboundAtMs: integer("last_inbound_at_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.addressKey] })],
);

/**
 * Durable scheduled work (src/delivery/scheduler.ts): reminders, escalations, digests,
 * withdrawals. `key` names the logical job, so planning the same job twice is a no-op; a claim
 * expires, so a crashed process's jobs are taken over; a job is marked done in the same
 * transaction as its effects, so it runs once.
 */
export const jobs = sqliteTable(
  "jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    key: text("key").notNull(),
    kind: text("kind").notNull(),
    /** JSON arguments of the handler. Never personal data. */
    payload: text("payload").notNull().default("{}"),
    status: text("status", { enum: ["pending", "done", "cancelled", "failed"] })
      .notNull()
      .default("pending"),
    runAtMs: integer("run_at_ms").notNull(),
    attempts: integer("attempts").notNull().default(0),
    claimedBy: text("claimed_by"),
    claimedUntilMs: integer("claimed_until_ms"),
    lastError: text("last_error"),
    /** The question a job is about, so a state change can cancel its pending jobs. */
    questionId: integer("question_id").references(() => questions.id),
    createdAtMs: integer("created_at_ms").notNull(),
    finishedAtMs: integer("finished_at_ms"),
  },
  (t) => [
    uniqueIndex("jobs_key").on(t.key),
    index("jobs_due").on(t.status, t.runAtMs),
    index("jobs_claimed")
      .on(t.claimedBy)
      .where(sql`claimed_by is not null`),
    index("jobs_question").on(t.questionId, t.status),
  ],
);

/** Small named values the system keeps between runs (e.g. the calendar fingerprint). */
export const appState = sqliteTable("app_state", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAtMs: integer("updated_at_ms").notNull(),
});

/**
 * Files a citizen attached to a question: the channel's own file reference (a Telegram file_id),
 * never the bytes; and places they shared (coordinates). Shown to the office with the question;
 * deleted when the citizen erases their data.
 */
export const questionAttachments = sqliteTable(
  "question_attachments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    questionId: integer("question_id")
      .notNull()
      .references(() => questions.id),
    channel: text("channel").notNull(),
    kind: text("kind", { enum: ["photo", "document", "location"] }).notNull(),
    /** A file's channel reference; a location's coordinates as `geo:lat,lon` (src/core/geo.ts), valid on every channel. */
    fileRef: text("file_ref").notNull(),
    mimeType: text("mime_type"),
    fileName: text("file_name"),
    /** A location's place name and address, when the channel gave them (one line each, bounded). */
    placeName: text("place_name"),
    placeAddress: text("place_address"),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (t) => [index("question_attachments_question").on(t.questionId)],
);

/**
 * Dialogue spaces (Ley 1757 de 2015): audiencias públicas, diálogos territoriales, ferias de
 * transparencia, "Hable con el Alcalde", recorridos a obras, encuentros de seguimiento. Times are UTC
 * epoch ms; they are shown in the profile's time zone. Districts and topics live in their own tables
 * so segments and listings are plain joins.
 */
export const events = sqliteTable(
  "events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", {
      enum: [
        "public_hearing",
        "territorial_dialogue",
        "thematic_dialogue",
        "transparency_fair",
        "mayor_live",
        "site_visit",
        "commitments_meeting",
        "other",
      ],
    }).notNull(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    startsAtMs: integer("starts_at_ms").notNull(),
    endsAtMs: integer("ends_at_ms").notNull(),
    place: text("place"),
    virtualUrl: text("virtual_url"),
    /** After the event: links to its minutes (acta) and recording, shown on the public pages. */
    minutesUrl: text("minutes_url"),
    recordingUrl: text("recording_url"),
    officeKey: text("office_key").references(() => offices.key),
    status: text("status", { enum: ["scheduled", "changed", "cancelled", "held"] })
      .notNull()
      .default("scheduled"),
    /** `official:<id>`, `cli` or `system`. */
    createdBy: text("created_by").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
    updatedAtMs: integer("updated_at_ms").notNull(),
  },
  (t) => [index("events_status_starts").on(t.status, t.startsAtMs)],
);

/** The districts (profile keys) an event is for; none = the whole municipality. */
export const eventDistricts = sqliteTable(
  "event_districts",
  {
    eventId: integer("event_id")
      .notNull()
      .references(() => events.id),
    districtKey: text("district_key").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.districtKey] }), index("event_districts_district").on(t.districtKey)],
);

/** The topics (profile topic keys) an event is about. */
export const eventTopics = sqliteTable(
  "event_topics",
  {
    eventId: integer("event_id")
      .notNull()
      .references(() => events.id),
    topicKey: text("topic_key").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.topicKey] }), index("event_topics_topic").on(t.topicKey)],
);

/** A citizen's answer to "will you come?"; the latest answer wins (one row per event and citizen). */
export const eventRsvps = sqliteTable(
  "event_rsvps",
  {
    eventId: integer("event_id")
      .notNull()
      .references(() => events.id),
    citizenId: integer("citizen_id")
      .notNull()
      .references(() => citizens.id),
    answer: text("answer", { enum: ["yes", "no"] }).notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
    updatedAtMs: integer("updated_at_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.citizenId] }), index("event_rsvps_citizen").on(t.citizenId)],
);

/**
 * A citizen's subscription to announcements: `kind` = "all" (key ""), "topic" or "district". Stop
 * words and "unsubscribe" delete the rows; consent is checked separately at send time.
 */
export const subscriptions = sqliteTable(
  "subscriptions",
  {
    citizenId: integer("citizen_id")
      .notNull()
      .references(() => citizens.id),
    kind: text("kind", { enum: ["all", "topic", "district"] }).notNull(),
    key: text("key").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.citizenId, t.kind, t.key] }), index("subscriptions_kind_key").on(t.kind, t.key)],
);

/**
 * A bulk message to a segment. `segment` is JSON ({ kind: "everyone" } | { kind: "topics", keys } |
 * { kind: "districts", keys } | { kind: "rsvps", eventId, answer }). When released (at once, or by
 * the scheduler at `scheduledAtMs`) one outbox row per recipient is written in one transaction, keyed
 * `ann:<id>:<citizenId>`: those rows are the per-recipient delivery record (pending, sent, failed,
 * unreachable), so a crash or a second process never sends it twice.
 */
export const announcements = sqliteTable(
  "announcements",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    eventId: integer("event_id").references(() => events.id),
    /** What the message says: `event` (the event's card), `text`, `event_changed`, `event_cancelled`, `reminder_day`, `reminder_hour`. */
    purpose: text("purpose").notNull().default("text"),
    /** Free text from staff, sent as written to every language. */
    text: text("text"),
    segment: text("segment").notNull(),
    status: text("status", { enum: ["scheduled", "released", "cancelled"] })
      .notNull()
      .default("scheduled"),
    scheduledAtMs: integer("scheduled_at_ms").notNull(),
    /** How many outbox rows the release wrote. */
    recipientCount: integer("recipient_count"),
    createdBy: text("created_by").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
    releasedAtMs: integer("released_at_ms"),
  },
  (t) => [index("announcements_status").on(t.status, t.scheduledAtMs), index("announcements_event").on(t.eventId)],
);

/**
 * A linked official's position in a staff chat flow (the communications event wizard): the same
 * `{ flowId, stepId, flowVersion, data }` shape as citizens' conversations, keyed by official.
 */
export const staffConversations = sqliteTable("staff_conversations", {
  officialId: integer("official_id")
    .primaryKey()
    .references(() => officials.id),
  flowId: text("flow_id").notNull(),
  stepId: text("step_id").notNull(),
  flowVersion: integer("flow_version").notNull(),
  data: text("data").notNull().default("{}"),
  updatedAtMs: integer("updated_at_ms").notNull(),
});

/**
 * Commitments made in dialogue spaces (Ley 1757 de 2015; MURC): what the entity promised, the
 * office responsible, the due date and where it stands. `number` is the public identifier citizens
 * and officials type ("compromiso 12"); it survives a CSV export and import. Rules in
 * src/core/commitments.ts.
 */
export const commitments = sqliteTable(
  "commitments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    number: integer("number").notNull(),
    text: text("text").notNull(),
    officeKey: text("office_key")
      .notNull()
      .references(() => offices.key),
    /** Profile district key, when the commitment is about one comuna/corregimiento. */
    districtKey: text("district_key"),
    /** The dialogue space where it was made, if recorded. */
    eventId: integer("event_id").references(() => events.id),
    /** `YYYY-MM-DD` in the profile's zone. */
    dueDate: text("due_date").notNull(),
    status: text("status", { enum: ["pending", "in_progress", "done", "overdue", "cancelled"] })
      .notNull()
      .default("pending"),
    /** 0–100. */
    progress: integer("progress").notNull().default(0),
    /** Why it was cancelled. */
    statusReason: text("status_reason"),
    doneAtMs: integer("done_at_ms"),
    createdAtMs: integer("created_at_ms").notNull(),
    updatedAtMs: integer("updated_at_ms").notNull(),
  },
  (t) => [
    uniqueIndex("commitments_number").on(t.number),
    index("commitments_status_due").on(t.status, t.dueDate),
    index("commitments_office_status").on(t.officeKey, t.status),
    index("commitments_event").on(t.eventId),
    index("commitments_district").on(t.districtKey),
  ],
);

/**
 * Append-only history of a commitment: `created`, `progress` (percentage, note, optional evidence
 * link), `overdue`, `cancelled` (note = the reason). `status` and `percent` are the values after
 * the entry; `actor` is `official:<id>`, `cli` or `system`.
 */
export const commitmentUpdates = sqliteTable(
  "commitment_updates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    commitmentId: integer("commitment_id")
      .notNull()
      .references(() => commitments.id),
    kind: text("kind", { enum: ["created", "progress", "overdue", "cancelled"] }).notNull(),
    status: text("status", { enum: ["pending", "in_progress", "done", "overdue", "cancelled"] }).notNull(),
    percent: integer("percent").notNull(),
    note: text("note"),
    evidenceUrl: text("evidence_url"),
    actor: text("actor").notNull(),
    atMs: integer("at_ms").notNull(),
  },
  (t) => [index("commitment_updates_commitment").on(t.commitmentId)],
);

/**
 * Citizens who follow a commitment: by choice (`citizen`) or because they RSVP'd the event where it
 * was made (`event`). Unfollowing keeps the row with `unfollowedAtMs`, so an automatic follow never
 * comes back. Consent and deletion are checked at send time.
 */
export const commitmentFollowers = sqliteTable(
  "commitment_followers",
  {
    commitmentId: integer("commitment_id")
      .notNull()
      .references(() => commitments.id),
    citizenId: integer("citizen_id")
      .notNull()
      .references(() => citizens.id),
    source: text("source", { enum: ["citizen", "event"] }).notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
    unfollowedAtMs: integer("unfollowed_at_ms"),
  },
  (t) => [
    primaryKey({ columns: [t.commitmentId, t.citizenId] }),
    index("commitment_followers_citizen").on(t.citizenId),
  ],
);

/**
 * One sending of a survey (src/services/surveys/surveys.ts): to the citizen of one answered question, to
 * those who said they would come to one event, to an ad hoc segment, or a batch of paper forms.
 * `definition` is the survey's YAML as it was when the run started (JSON), so answers and results
 * keep their meaning when the file is edited later.
 */
export const surveyRuns = sqliteTable(
  "survey_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    surveyId: text("survey_id").notNull(),
    surveyVersion: integer("survey_version").notNull(),
    definition: text("definition").notNull(),
    trigger: text("trigger", { enum: ["question_answered", "event_ended", "segment", "paper"] }).notNull(),
    /** Names the occurrence that started a triggered run (`answer_clarity:q12`): replayed triggers make no second run. */
    triggerKey: text("trigger_key"),
    questionId: integer("question_id").references(() => questions.id),
    eventId: integer("event_id").references(() => events.id),
    /** The office the results count for (the office that answered; the event's office). */
    officeKey: text("office_key").references(() => offices.key),
    /** Canonical segment of an ad hoc run (`district:comuna-1`). */
    segment: text("segment"),
    /** Staff's description (e.g. "Audiencia pública 2026, formularios en papel"). */
    label: text("label"),
    deliverAfterMs: integer("deliver_after_ms").notNull(),
    expiresAtMs: integer("expires_at_ms").notNull(),
    closedAtMs: integer("closed_at_ms"),
    /** `system`, `cli` or `official:<id>`. */
    createdBy: text("created_by").notNull(),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (t) => [
    uniqueIndex("survey_runs_trigger_key").on(t.triggerKey),
    index("survey_runs_survey").on(t.surveyId),
    index("survey_runs_office").on(t.officeKey),
    index("survey_runs_event").on(t.eventId),
    // The answer surveys of a question (management report's satisfaction).
    index("survey_runs_question").on(t.questionId),
  ],
);

/** One citizen asked in one run: at most one per citizen and run (the one-response rule). */
export const surveyInvitations = sqliteTable(
  "survey_invitations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: integer("run_id")
      .notNull()
      .references(() => surveyRuns.id),
    citizenId: integer("citizen_id")
      .notNull()
      .references(() => citizens.id),
    /** pending (waiting for the citizen to be idle), delivered (in their chat), completed, expired, cancelled. */
    status: text("status", { enum: ["pending", "delivered", "completed", "expired", "cancelled"] })
      .notNull()
      .default("pending"),
    /** Why it was cancelled: no_consent, deleted, opted_out, unreachable. */
    cancelReason: text("cancel_reason"),
    /** The channel the survey was delivered on. */
    channel: text("channel"),
    createdAtMs: integer("created_at_ms").notNull(),
    deliveredAtMs: integer("delivered_at_ms"),
    finishedAtMs: integer("finished_at_ms"),
  },
  (t) => [
    uniqueIndex("survey_invitations_run_citizen").on(t.runId, t.citizenId),
    index("survey_invitations_citizen").on(t.citizenId, t.status),
  ],
);

/** A filled survey: from chat (one per invitation) or from a paper form (one per CSV row). */
export const surveyResponses = sqliteTable(
  "survey_responses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: integer("run_id")
      .notNull()
      .references(() => surveyRuns.id),
    invitationId: integer("invitation_id").references(() => surveyInvitations.id),
    source: text("source", { enum: ["chat", "paper"] }).notNull(),
    /** Paper: `<file sha-256 prefix>:<line>`, so the same file is never imported twice. */
    sourceRef: text("source_ref"),
    createdAtMs: integer("created_at_ms").notNull(),
    completedAtMs: integer("completed_at_ms"),
  },
  (t) => [
    uniqueIndex("survey_responses_invitation").on(t.invitationId),
    uniqueIndex("survey_responses_source").on(t.runId, t.sourceRef),
    index("survey_responses_run").on(t.runId),
  ],
);

/** One answer of a response; `value` null = skipped. Question ids are the definition's. */
export const surveyAnswers = sqliteTable(
  "survey_answers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    responseId: integer("response_id")
      .notNull()
      .references(() => surveyResponses.id),
    questionKey: text("question_key").notNull(),
    value: text("value"),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (t) => [uniqueIndex("survey_answers_response_question").on(t.responseId, t.questionKey)],
);

/** Citizens who said "no más encuestas": they get no survey invitations. */
export const surveyOptOuts = sqliteTable("survey_opt_outs", {
  citizenId: integer("citizen_id")
    .primaryKey()
    .references(() => citizens.id),
  atMs: integer("at_ms").notNull(),
});

/**
 * The accountability plan of a year (src/services/plan/): the validated definition as loaded from
 * `plans/<profile>-<year>.yaml`. Loading again replaces the definition; the manual progress
 * (`plan_progress`) stays, keyed by activity id.
 */
export const plans = sqliteTable("plans", {
  year: integer("year").primaryKey(),
  profileId: text("profile_id").notNull(),
  definition: text("definition", { mode: "json" }).$type<PlanDefinition>().notNull(),
  /** The file it was loaded from, and the SHA-256 of its text (to tell whether it changed). */
  sourceFile: text("source_file").notNull(),
  sha256: text("sha256").notNull(),
  /** `official:<id>`, `cli`. */
  loadedBy: text("loaded_by").notNull(),
  loadedAtMs: integer("loaded_at_ms").notNull(),
});

/**
 * Append-only progress the responsible office reports for an activity Rinde cannot measure: the
 * value reached so far (not an increment), the evidence link, who and when. The latest entry is
 * the current value.
 */
export const planProgress = sqliteTable(
  "plan_progress",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    year: integer("year").notNull(),
    activityId: text("activity_id").notNull(),
    value: real("value").notNull(),
    evidenceUrl: text("evidence_url").notNull(),
    note: text("note"),
    actor: text("actor").notNull(),
    atMs: integer("at_ms").notNull(),
  },
  (t) => [index("plan_progress_activity").on(t.year, t.activityId, t.id)],
);

/**
 * A published report of the answers to the questions of a dialogue space (Ley 1757 de 2015: answers
 * are published; Pasto 2022 asks for at least 3): where it was published and what it covered when
 * published. Append-only; counted by the plan's `answer_reports` indicator.
 */
export const answerReports = sqliteTable(
  "answer_reports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    eventId: integer("event_id")
      .notNull()
      .references(() => events.id),
    url: text("url").notNull(),
    questions: integer("questions").notNull(),
    answered: integer("answered").notNull(),
    actor: text("actor").notNull(),
    publishedAtMs: integer("published_at_ms").notNull(),
  },
  (t) => [index("answer_reports_published").on(t.publishedAtMs), index("answer_reports_event").on(t.eventId)],
);

/**
 * Stored answer figures per filing month and office (issue 15): what the public pages and open
 * data show, kept current by src/services/transparency/answers.ts (the months of changed questions
 * are recomputed; everything is rebuilt when the calendar or the definitions change) so no page
 * recomputes a million questions. `office_key` '*' holds the all-offices total (a question moved
 * twice counts once there). Same definitions as `rinde questions report` (src/core/answer-tally.ts).
 */
export const answerTotals = sqliteTable(
  "answer_totals",
  {
    /** Local filing month, `YYYY-MM`. */
    month: text("month").notNull(),
    officeKey: text("office_key").notNull(),
    received: integer("received").notNull(),
    answeredOnTime: integer("answered_on_time").notNull(),
    answeredLate: integer("answered_late").notNull(),
    openWithinTerm: integer("open_within_term").notNull(),
    overdue: integer("overdue").notNull(),
    waitingForCitizen: integer("waiting_for_citizen").notNull(),
    withdrawn: integer("withdrawn").notNull(),
    extended: integer("extended").notNull(),
    /** Transferred to another entity (traslado, Ley 1755 de 2015 art. 21). */
    transferred: integer("transferred").notNull(),
    /** Moved from this office to another office of the alcaldía (internal reassignment). */
    reassigned: integer("reassigned").notNull().default(0),
    /** Business days to answer → answered questions, as `[[days, count], …]` sorted by days. */
    answerDays: text("answer_days", { mode: "json" }).$type<[number, number][]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.officeKey] })],
);

/** Surveys whose aggregated results are shown on the public pages (issue 15); absent = not published. */
export const surveyPublications = sqliteTable("survey_publications", {
  surveyId: text("survey_id").primaryKey(),
  publishedAtMs: integer("published_at_ms").notNull(),
  /** `official:<id>` or `cli`. */
  publishedBy: text("published_by").notNull(),
});

/**
 * Append-only record of what staff changed on the public pages (issue 15): event minutes and
 * recording links, survey publication. Question publication goes to `question_events` instead.
 */
export const publicationLog = sqliteTable(
  "publication_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** `event` or `survey`. */
    subjectKind: text("subject_kind").notNull(),
    subjectId: text("subject_id").notNull(),
    /** JSON of the fields before and after the change. */
    before: text("before").notNull(),
    after: text("after").notNull(),
    actor: text("actor").notNull(),
    atMs: integer("at_ms").notNull(),
  },
  (t) => [index("publication_log_subject").on(t.subjectKind, t.subjectId)],
);

/**
 * Back-office sessions (issue 14). Only the SHA-256 of the session id is stored, so a copy of the
 * database cannot be used to sign in. Idle and absolute limits are checked on every request.
 */
export const staffSessions = sqliteTable(
  "staff_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    officialId: integer("official_id")
      .notNull()
      .references(() => officials.id),
    createdAtMs: integer("created_at_ms").notNull(),
    lastSeenAtMs: integer("last_seen_at_ms").notNull(),
    /** createdAtMs + the absolute lifetime (12 h): no activity extends it. */
    expiresAtMs: integer("expires_at_ms").notNull(),
    revokedAtMs: integer("revoked_at_ms"),
  },
  (t) => [index("staff_sessions_official").on(t.officialId)],
);

/** One-time back-office links: sign-in (10 min) and first-administrator setup. Stored hashed, used once. */
export const staffLoginTokens = sqliteTable(
  "staff_login_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    tokenHash: text("token_hash").notNull(),
    purpose: text("purpose", { enum: ["login", "setup"] }).notNull(),
    /** The official signing in; null for a setup link (the administrator does not exist yet). */
    officialId: integer("official_id").references(() => officials.id),
    createdAtMs: integer("created_at_ms").notNull(),
    expiresAtMs: integer("expires_at_ms").notNull(),
    usedAtMs: integer("used_at_ms"),
  },
  (t) => [uniqueIndex("staff_login_tokens_hash").on(t.tokenHash)],
);

/**
 * Append-only audit log of the back-office: who (official, or null for an unknown visitor), what
 * (`action`, e.g. `question.answer`, `auth.sign_in_failed`), on what (`subject`), when, and the
 * state before → after as JSON. Never the citizen's personal data beyond what the action names.
 */
export const staffAudit = sqliteTable(
  "staff_audit",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    atMs: integer("at_ms").notNull(),
    officialId: integer("official_id").references(() => officials.id),
    action: text("action").notNull(),
    subject: text("subject"),
    outcome: text("outcome", { enum: ["ok", "refused", "failed"] }).notNull(),
    before: text("before", { mode: "json" }).$type<Record<string, unknown> | null>(),
    after: text("after", { mode: "json" }).$type<Record<string, unknown> | null>(),
    /** Where the action came from: the back-office (`web`), an official's chat (`chat`) or the command line (`cli`). */
    via: text("via", { enum: ["web", "chat", "cli"] })
      .notNull()
      .default("web"),
  },
  (t) => [index("staff_audit_official").on(t.officialId, t.id), index("staff_audit_action").on(t.action, t.id)],
);

/** Form submissions already acted on (idempotency key per rendered form): a double submit acts once. */
export const staffFormSubmissions = sqliteTable("staff_form_submissions", {
  key: text("key").primaryKey(),
  officialId: integer("official_id")
    .notNull()
    .references(() => officials.id),
  action: text("action").notNull(),
  /** Where the first submit led, so the second lands on the same page. */
  redirectTo: text("redirect_to").notNull(),
  atMs: integer("at_ms").notNull(),
});

/**
 * An office's answer templates (issue 14): a name and a text with variables (`{{radicado}}`…) that
 * officials insert when answering. Archived, not deleted: the audit log names them.
 */
export const answerTemplates = sqliteTable(
  "answer_templates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    officeKey: text("office_key").notNull(),
    name: text("name").notNull(),
    body: text("body").notNull(),
    createdBy: integer("created_by").references(() => officials.id),
    createdAtMs: integer("created_at_ms").notNull(),
    updatedAtMs: integer("updated_at_ms").notNull(),
    archivedAtMs: integer("archived_at_ms"),
  },
  (t) => [index("answer_templates_office").on(t.officeKey, t.archivedAtMs)],
);
