CREATE TABLE `sent_refs` (
	`outbox_id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`question_id` integer,
	`citizen_id` integer,
	`survey_invitation_id` integer,
	`staff_prompt` text,
	`created_at_ms` integer NOT NULL,
	FOREIGN KEY (`outbox_id`) REFERENCES `outbox`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`survey_invitation_id`) REFERENCES `survey_invitations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sent_refs_question` ON `sent_refs` (`question_id`,`kind`);--> statement-breakpoint
CREATE INDEX `sent_refs_survey_invitation` ON `sent_refs` (`survey_invitation_id`);--> statement-breakpoint
/* Backfill for messages queued before this migration: what each is about, read one last time from
   its key and payload (the reading the table replaces). Messages about a question: */
INSERT INTO `sent_refs` (`outbox_id`, `kind`, `question_id`, `citizen_id`, `survey_invitation_id`, `staff_prompt`, `created_at_ms`)
SELECT `id`,
  CASE
    WHEN `idempotency_key` LIKE 'q:%:notice-closed:%' OR `idempotency_key` LIKE 'erased:%' THEN 'notice_edit'
    WHEN `idempotency_key` LIKE 'in:%' THEN 'staff_reply'
    WHEN `citizen_id` IS NOT NULL AND `idempotency_key` LIKE 'q:%:info-request-%' THEN 'info_request'
    WHEN `citizen_id` IS NOT NULL THEN 'citizen_notice'
    WHEN `idempotency_key` LIKE 'q:%:info-provided-%' THEN 'question_update'
    WHEN `idempotency_key` LIKE '%:file-%' THEN 'question_file'
    WHEN json_extract(`payload`, '$.editChannelMessageId') IS NULL AND coalesce(json_array_length(`payload`, '$.buttons'), 0) > 0 THEN 'question_notice'
    ELSE 'question_update'
  END,
  `question_id`, `citizen_id`, NULL,
  CASE WHEN `idempotency_key` LIKE 'in:%' THEN json_extract(`payload`, '$.staffPrompt') END,
  `created_at_ms`
FROM `outbox` WHERE `question_id` IS NOT NULL;
--> statement-breakpoint
/* Survey first messages (`survey:i<invitation>:start`, `…:o<outbox id>` when sent again) and menus. */
INSERT INTO `sent_refs` (`outbox_id`, `kind`, `question_id`, `citizen_id`, `survey_invitation_id`, `staff_prompt`, `created_at_ms`)
SELECT `id`,
  CASE WHEN `idempotency_key` LIKE 'survey:i%:start%' THEN 'survey_start' ELSE 'menu' END,
  NULL, `citizen_id`,
  CASE WHEN `idempotency_key` LIKE 'survey:i%:start%' THEN CAST(substr(`idempotency_key`, 9, instr(`idempotency_key`, ':start') - 9) AS integer) END,
  NULL, `created_at_ms`
FROM `outbox`
WHERE `question_id` IS NULL
  AND (`idempotency_key` LIKE 'survey:i%:start%' OR (`citizen_id` IS NOT NULL AND json_extract(`payload`, '$.options') IS NOT NULL));
