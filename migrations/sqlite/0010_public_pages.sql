CREATE TABLE `publication_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`before` text NOT NULL,
	`after` text NOT NULL,
	`actor` text NOT NULL,
	`at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `publication_log_subject` ON `publication_log` (`subject_kind`,`subject_id`);--> statement-breakpoint
CREATE TABLE `survey_publications` (
	`survey_id` text PRIMARY KEY NOT NULL,
	`published_at_ms` integer NOT NULL,
	`published_by` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `events` ADD `minutes_url` text;--> statement-breakpoint
ALTER TABLE `events` ADD `recording_url` text;--> statement-breakpoint
ALTER TABLE `questions` ADD `publish_answer` integer;--> statement-breakpoint
ALTER TABLE `questions` ADD `published_summary` text;--> statement-breakpoint
CREATE INDEX `questions_public_stats` ON `questions` (`filed_at_ms`,`office_key`,`status`,`due_date`,`answered_at_ms`,`term_started_at_ms`,`extended_to`);