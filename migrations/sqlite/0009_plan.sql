CREATE TABLE `answer_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer NOT NULL,
	`url` text NOT NULL,
	`questions` integer NOT NULL,
	`answered` integer NOT NULL,
	`actor` text NOT NULL,
	`published_at_ms` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `answer_reports_published` ON `answer_reports` (`published_at_ms`);--> statement-breakpoint
CREATE INDEX `answer_reports_event` ON `answer_reports` (`event_id`);--> statement-breakpoint
CREATE TABLE `plan_progress` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`year` integer NOT NULL,
	`activity_id` text NOT NULL,
	`value` real NOT NULL,
	`evidence_url` text NOT NULL,
	`note` text,
	`actor` text NOT NULL,
	`at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `plan_progress_activity` ON `plan_progress` (`year`,`activity_id`,`id`);--> statement-breakpoint
CREATE TABLE `plans` (
	`year` integer PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`definition` text NOT NULL,
	`source_file` text NOT NULL,
	`sha256` text NOT NULL,
	`loaded_by` text NOT NULL,
	`loaded_at_ms` integer NOT NULL
);
