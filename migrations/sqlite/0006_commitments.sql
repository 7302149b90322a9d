CREATE TABLE `commitment_followers` (
	`commitment_id` integer NOT NULL,
	`citizen_id` integer NOT NULL,
	`source` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	`unfollowed_at_ms` integer,
	PRIMARY KEY(`commitment_id`, `citizen_id`),
	FOREIGN KEY (`commitment_id`) REFERENCES `commitments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `commitment_followers_citizen` ON `commitment_followers` (`citizen_id`);--> statement-breakpoint
CREATE TABLE `commitment_updates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`commitment_id` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`percent` integer NOT NULL,
	`note` text,
	`evidence_url` text,
	`actor` text NOT NULL,
	`at_ms` integer NOT NULL,
	FOREIGN KEY (`commitment_id`) REFERENCES `commitments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `commitment_updates_commitment` ON `commitment_updates` (`commitment_id`);--> statement-breakpoint
CREATE TABLE `commitments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` integer NOT NULL,
	`text` text NOT NULL,
	`office_key` text NOT NULL,
	`district_key` text,
	`event_id` integer,
	`due_date` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`progress` integer DEFAULT 0 NOT NULL,
	`status_reason` text,
	`done_at_ms` integer,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL,
	FOREIGN KEY (`office_key`) REFERENCES `offices`(`key`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `commitments_number` ON `commitments` (`number`);--> statement-breakpoint
CREATE INDEX `commitments_status_due` ON `commitments` (`status`,`due_date`);--> statement-breakpoint
CREATE INDEX `commitments_office_status` ON `commitments` (`office_key`,`status`);--> statement-breakpoint
CREATE INDEX `commitments_event` ON `commitments` (`event_id`);--> statement-breakpoint
CREATE INDEX `commitments_district` ON `commitments` (`district_key`);