CREATE TABLE `survey_answers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`response_id` integer NOT NULL,
	`question_key` text NOT NULL,
	`value` text,
	`created_at_ms` integer NOT NULL,
	FOREIGN KEY (`response_id`) REFERENCES `survey_responses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `survey_answers_response_question` ON `survey_answers` (`response_id`,`question_key`);--> statement-breakpoint
CREATE TABLE `survey_invitations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`citizen_id` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`cancel_reason` text,
	`channel` text,
	`created_at_ms` integer NOT NULL,
	`delivered_at_ms` integer,
	`finished_at_ms` integer,
	FOREIGN KEY (`run_id`) REFERENCES `survey_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `survey_invitations_run_citizen` ON `survey_invitations` (`run_id`,`citizen_id`);--> statement-breakpoint
CREATE INDEX `survey_invitations_citizen` ON `survey_invitations` (`citizen_id`,`status`);--> statement-breakpoint
CREATE TABLE `survey_opt_outs` (
	`citizen_id` integer PRIMARY KEY NOT NULL,
	`at_ms` integer NOT NULL,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `survey_responses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`invitation_id` integer,
	`source` text NOT NULL,
	`source_ref` text,
	`created_at_ms` integer NOT NULL,
	`completed_at_ms` integer,
	FOREIGN KEY (`run_id`) REFERENCES `survey_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invitation_id`) REFERENCES `survey_invitations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `survey_responses_invitation` ON `survey_responses` (`invitation_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `survey_responses_source` ON `survey_responses` (`run_id`,`source_ref`);--> statement-breakpoint
CREATE INDEX `survey_responses_run` ON `survey_responses` (`run_id`);--> statement-breakpoint
CREATE TABLE `survey_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`survey_id` text NOT NULL,
	`survey_version` integer NOT NULL,
	`definition` text NOT NULL,
	`trigger` text NOT NULL,
	`trigger_key` text,
	`question_id` integer,
	`event_id` integer,
	`office_key` text,
	`segment` text,
	`label` text,
	`deliver_after_ms` integer NOT NULL,
	`expires_at_ms` integer NOT NULL,
	`closed_at_ms` integer,
	`created_by` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`office_key`) REFERENCES `offices`(`key`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `survey_runs_trigger_key` ON `survey_runs` (`trigger_key`);--> statement-breakpoint
CREATE INDEX `survey_runs_survey` ON `survey_runs` (`survey_id`);--> statement-breakpoint
CREATE INDEX `survey_runs_office` ON `survey_runs` (`office_key`);--> statement-breakpoint
CREATE INDEX `survey_runs_event` ON `survey_runs` (`event_id`);