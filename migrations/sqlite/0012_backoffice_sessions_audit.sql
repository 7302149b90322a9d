CREATE TABLE `staff_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at_ms` integer NOT NULL,
	`official_id` integer,
	`action` text NOT NULL,
	`subject` text,
	`outcome` text NOT NULL,
	`before` text,
	`after` text,
	FOREIGN KEY (`official_id`) REFERENCES `officials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `staff_audit_official` ON `staff_audit` (`official_id`,`id`);--> statement-breakpoint
CREATE INDEX `staff_audit_action` ON `staff_audit` (`action`,`id`);--> statement-breakpoint
CREATE TABLE `staff_form_submissions` (
	`key` text PRIMARY KEY NOT NULL,
	`official_id` integer NOT NULL,
	`action` text NOT NULL,
	`redirect_to` text NOT NULL,
	`at_ms` integer NOT NULL,
	FOREIGN KEY (`official_id`) REFERENCES `officials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `staff_login_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token_hash` text NOT NULL,
	`purpose` text NOT NULL,
	`official_id` integer,
	`created_at_ms` integer NOT NULL,
	`expires_at_ms` integer NOT NULL,
	`used_at_ms` integer,
	FOREIGN KEY (`official_id`) REFERENCES `officials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_login_tokens_hash` ON `staff_login_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `staff_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`official_id` integer NOT NULL,
	`created_at_ms` integer NOT NULL,
	`last_seen_at_ms` integer NOT NULL,
	`expires_at_ms` integer NOT NULL,
	`revoked_at_ms` integer,
	FOREIGN KEY (`official_id`) REFERENCES `officials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `staff_sessions_official` ON `staff_sessions` (`official_id`);--> statement-breakpoint
ALTER TABLE `officials` ADD `email` text;--> statement-breakpoint
ALTER TABLE `officials` ADD `password_hash` text;--> statement-breakpoint
ALTER TABLE `officials` ADD `password_required` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `officials_email` ON `officials` (`email`);--> statement-breakpoint
ALTER TABLE `questions` ADD `assigned_to` integer REFERENCES officials(id);--> statement-breakpoint
CREATE INDEX `questions_assigned_status_due` ON `questions` (`assigned_to`,`status`,`due_date`);