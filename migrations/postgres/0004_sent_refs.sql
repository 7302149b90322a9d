CREATE TABLE "sent_refs" (
	"outbox_id" integer NOT NULL,
	"kind" text NOT NULL,
	"question_id" integer,
	"citizen_id" integer,
	"survey_invitation_id" integer,
	"staff_prompt" jsonb,
	"created_at_ms" bigint NOT NULL,
	CONSTRAINT "sent_refs_outbox_id_pk" PRIMARY KEY("outbox_id")
);
--> statement-breakpoint
ALTER TABLE "sent_refs" ADD CONSTRAINT "sent_refs_outbox_id_outbox_id_fk" FOREIGN KEY ("outbox_id") REFERENCES "outbox"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sent_refs" ADD CONSTRAINT "sent_refs_question_id_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sent_refs" ADD CONSTRAINT "sent_refs_citizen_id_citizens_id_fk" FOREIGN KEY ("citizen_id") REFERENCES "citizens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sent_refs" ADD CONSTRAINT "sent_refs_survey_invitation_id_survey_invitations_id_fk" FOREIGN KEY ("survey_invitation_id") REFERENCES "survey_invitations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sent_refs_question" ON "sent_refs" USING btree ("question_id","kind");--> statement-breakpoint
CREATE INDEX "sent_refs_survey_invitation" ON "sent_refs" USING btree ("survey_invitation_id");--> statement-breakpoint
/* Backfill for messages queued before this migration (see migrations/sqlite/0017_sent_refs.sql). */
INSERT INTO "sent_refs" ("outbox_id", "kind", "question_id", "citizen_id", "survey_invitation_id", "staff_prompt", "created_at_ms")
SELECT "id",
  CASE
    WHEN "idempotency_key" LIKE 'q:%:notice-closed:%' OR "idempotency_key" LIKE 'erased:%' THEN 'notice_edit'
    WHEN "idempotency_key" LIKE 'in:%' THEN 'staff_reply'
    WHEN "citizen_id" IS NOT NULL AND "idempotency_key" LIKE 'q:%:info-request-%' THEN 'info_request'
    WHEN "citizen_id" IS NOT NULL THEN 'citizen_notice'
    WHEN "idempotency_key" LIKE 'q:%:info-provided-%' THEN 'question_update'
    WHEN "idempotency_key" LIKE '%:file-%' THEN 'question_file'
    WHEN ("payload"::jsonb -> 'editChannelMessageId') IS NULL AND jsonb_typeof("payload"::jsonb -> 'buttons') = 'array'
      AND jsonb_array_length("payload"::jsonb -> 'buttons') > 0 THEN 'question_notice'
    ELSE 'question_update'
  END,
  "question_id", "citizen_id", NULL,
  CASE WHEN "idempotency_key" LIKE 'in:%' THEN "payload"::jsonb -> 'staffPrompt' END,
  "created_at_ms"
FROM "outbox" WHERE "question_id" IS NOT NULL;
--> statement-breakpoint
INSERT INTO "sent_refs" ("outbox_id", "kind", "question_id", "citizen_id", "survey_invitation_id", "staff_prompt", "created_at_ms")
SELECT "id",
  CASE WHEN "idempotency_key" LIKE 'survey:i%:start%' THEN 'survey_start' ELSE 'menu' END,
  NULL, "citizen_id",
  CAST(substring("idempotency_key" from '^survey:i(\d+):start') AS integer),
  NULL, "created_at_ms"
FROM "outbox"
WHERE "question_id" IS NULL
  AND ("idempotency_key" LIKE 'survey:i%:start%' OR ("citizen_id" IS NOT NULL AND ("payload"::jsonb -> 'options') IS NOT NULL));
