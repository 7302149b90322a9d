CREATE TABLE `app_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text DEFAULT '{}' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`run_at_ms` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`claimed_by` text,
	`claimed_until_ms` integer,
	`last_error` text,
	`question_id` integer,
	`created_at_ms` integer NOT NULL,
	`finished_at_ms` integer,
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_key` ON `jobs` (`key`);--> statement-breakpoint
CREATE INDEX `jobs_due` ON `jobs` (`status`,`run_at_ms`);--> statement-breakpoint
CREATE INDEX `jobs_question` ON `jobs` (`question_id`,`status`);--> statement-breakpoint
DROP INDEX `questions_office_status`;--> statement-breakpoint
ALTER TABLE `questions` ADD `term_started_at_ms` integer;--> statement-breakpoint
ALTER TABLE `questions` ADD `extended_to` text;--> statement-breakpoint
CREATE INDEX `questions_office_status_due` ON `questions` (`office_key`,`status`,`due_date`);