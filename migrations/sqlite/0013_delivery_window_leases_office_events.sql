CREATE TABLE `delivery_workers` (
	`id` text PRIMARY KEY NOT NULL,
	`host` text NOT NULL,
	`pid` integer NOT NULL,
	`lease_until_ms` integer NOT NULL,
	`started_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `office_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`office_key` text NOT NULL,
	`kind` text NOT NULL,
	`actor` text NOT NULL,
	`at_ms` integer NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	FOREIGN KEY (`office_key`) REFERENCES `offices`(`key`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `office_events_office` ON `office_events` (`office_key`,`id`);--> statement-breakpoint
ALTER TABLE `inbound_messages` ADD `citizen_id` integer REFERENCES citizens(id);--> statement-breakpoint
CREATE INDEX `inbound_messages_citizen` ON `inbound_messages` (`citizen_id`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `attempt_started_at_ms` integer;--> statement-breakpoint
ALTER TABLE `outbox` ADD `guarantee` text DEFAULT 'at_least_once' NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox` ADD `legal` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox` ADD `forget_address_when_sent` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `outbox_claimed` ON `outbox` (`claimed_by`) WHERE claimed_by is not null;--> statement-breakpoint
CREATE INDEX `jobs_claimed` ON `jobs` (`claimed_by`) WHERE claimed_by is not null;--> statement-breakpoint
-- Rows queued before this migration: bulk (priority 1) messages are at most once (issue 19).
UPDATE `outbox` SET `guarantee` = 'at_most_once' WHERE `priority` = 1;