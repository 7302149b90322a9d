CREATE TABLE `official_invites` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`office_key` text,
	`role` text NOT NULL,
	`name` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	`expires_at_ms` integer NOT NULL,
	`used_at_ms` integer,
	`used_by_official_id` integer,
	FOREIGN KEY (`office_key`) REFERENCES `offices`(`key`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`used_by_official_id`) REFERENCES `officials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `official_invites_code_unique` ON `official_invites` (`code`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `question_id` integer REFERENCES questions(id);