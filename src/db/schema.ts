/**
 * Database schema. Timestamps are UTC epoch milliseconds (`...AtMs`); civil dates in the profile's
 * time zone are `YYYY-MM-DD` text. Nothing here is SQLite-only beyond the column builders, so the
 * planned PostgreSQL deployment maps table by table.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const citizens = sqliteTable("citizens", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  locale: text("locale").notNull().default("es"),
  /** Current consent state, denormalized from `consents` (the proof) for the hot path. */
  consent: text("consent", { enum: ["none", "granted", "refused", "revoked"] }).notNull().default("none"),
  createdAtMs: integer("created_at_ms").notNull(),
  /** Set when the citizen asked to delete their data; the row stays as an anonymous anchor. */
  deletedAtMs: integer("deleted_at_ms"),
});

export const channelIdentities = sqliteTable(
  "channel_identities",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    citizenId: integer("citizen_id").notNull().references(() => citizens.id),
    channel: text("channel").notNull(),
    address: text("address").notNull(),
    unreachableAtMs: integer("unreachable_at_ms"),
    createdAtMs: integer("created_at_ms").notNull(),
  },
  (t) => [uniqueIndex("channel_identities_channel_address").on(t.channel, t.address), index("channel_identities_citizen").on(t.citizenId)],
);

/** Append-only proof of each consent decision (Ley 1581 de 2012, Decreto 1377 de 2013 art. 5, 8). */
export const consents = sqliteTable(
  "consents",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    citizenId: integer("citizen_id").notNull().references(() => citizens.id),
    decision: text("decision", { enum: ["granted", "refused", "revoked"] }).notNull(),
    noticeVersion: text("notice_version").notNull(),
    channel: text("channel").notNull(),
    decidedAtMs: integer("decided_at_ms").notNull(),
  },
  (t) => [index("consents_citizen").on(t.citizenId)],
);

export const conversations = sqliteTable("conversations", {
  citizenId: integer("citizen_id").primaryKey().references(() => citizens.id),
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
  },
  (t) => [uniqueIndex("inbound_messages_channel_message").on(t.channel, t.channelMessageId)],
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
  },
  (t) => [index("officials_office").on(t.officeKey), index("officials_channel_address").on(t.channel, t.address)],
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
    citizenId: integer("citizen_id").notNull().references(() => citizens.id),
    officeKey: text("office_key").notNull().references(() => offices.key),
    requestType: text("request_type", { enum: ["general", "information", "consultation", "dialogue"] }).notNull(),
    status: text("status", { enum: ["open", "info_requested", "answered", "withdrawn"] }).notNull(),
    /** The citizen's text; replaced by a placeholder if the citizen deletes their data. */
    text: text("text").notNull(),
    channel: text("channel").notNull(),
    filedAtMs: integer("filed_at_ms").notNull(),
    termBusinessDays: integer("term_business_days").notNull(),
    dueDate: text("due_date").notNull(),
    answerText: text("answer_text"),
    answeredAtMs: integer("answered_at_ms"),
    answeredBy: integer("answered_by").references(() => officials.id),
    updatedAtMs: integer("updated_at_ms").notNull(),
  },
  (t) => [
    uniqueIndex("questions_reference").on(t.reference),
    index("questions_citizen").on(t.citizenId),
    index("questions_office_status").on(t.officeKey, t.status),
    index("questions_status_due").on(t.status, t.dueDate),
  ],
);

/** Append-only history of a question: filing, routing, reassignment, info requests, answers. */
export const questionEvents = sqliteTable(
  "question_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    questionId: integer("question_id").notNull().references(() => questions.id),
    kind: text("kind").notNull(),
    /** `citizen`, `official:<id>`, `cli` or `system`. */
    actor: text("actor").notNull(),
    atMs: integer("at_ms").notNull(),
    /** JSON details (office keys, reason, ...). Never the citizen's personal data. */
    data: text("data").notNull().default("{}"),
  },
  (t) => [index("question_events_question").on(t.questionId)],
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
    status: text("status", { enum: ["pending", "sent", "failed", "unreachable"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    notBeforeMs: integer("not_before_ms").notNull(),
    /** A dispatcher's claim on the row; expired claims are reclaimed after a crash. */
    claimedBy: text("claimed_by"),
    claimedUntilMs: integer("claimed_until_ms"),
    lastError: text("last_error"),
    /** The channel's id for the sent message (to edit it later, or match replies to it). */
    channelMessageId: text("channel_message_id"),
    /** The question a notice is about, so an official's reply to it can be matched. */
    questionId: integer("question_id").references(() => questions.id),
    createdAtMs: integer("created_at_ms").notNull(),
    sentAtMs: integer("sent_at_ms"),
  },
  (t) => [
    uniqueIndex("outbox_idempotency_key").on(t.idempotencyKey),
    index("outbox_due").on(t.status, t.channel, t.priority, t.notBeforeMs),
    index("outbox_channel_message").on(t.channel, t.channelMessageId),
    index("outbox_chat").on(t.channel, t.address, t.status),
  ],
);

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
