CREATE TABLE `announcements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer,
	`purpose` text DEFAULT 'text' NOT NULL,
	`text` text,
	`segment` text NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`scheduled_at_ms` integer NOT NULL,
	`recipient_count` integer,
	`created_by` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	`released_at_ms` integer,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `announcements_status` ON `announcements` (`status`,`scheduled_at_ms`);--> statement-breakpoint
CREATE INDEX `announcements_event` ON `announcements` (`event_id`);--> statement-breakpoint
CREATE TABLE `event_districts` (
	`event_id` integer NOT NULL,
	`district_key` text NOT NULL,
	PRIMARY KEY(`event_id`, `district_key`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `event_districts_district` ON `event_districts` (`district_key`);--> statement-breakpoint
CREATE TABLE `event_rsvps` (
	`event_id` integer NOT NULL,
	`citizen_id` integer NOT NULL,
	`answer` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL,
	PRIMARY KEY(`event_id`, `citizen_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `event_rsvps_citizen` ON `event_rsvps` (`citizen_id`);--> statement-breakpoint
CREATE TABLE `event_topics` (
	`event_id` integer NOT NULL,
	`topic_key` text NOT NULL,
	PRIMARY KEY(`event_id`, `topic_key`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `event_topics_topic` ON `event_topics` (`topic_key`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`starts_at_ms` integer NOT NULL,
	`ends_at_ms` integer NOT NULL,
	`place` text,
	`virtual_url` text,
	`office_key` text,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`created_by` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL,
	FOREIGN KEY (`office_key`) REFERENCES `offices`(`key`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `events_status_starts` ON `events` (`status`,`starts_at_ms`);--> statement-breakpoint
CREATE TABLE `staff_conversations` (
	`official_id` integer PRIMARY KEY NOT NULL,
	`flow_id` text NOT NULL,
	`step_id` text NOT NULL,
	`flow_version` integer NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`updated_at_ms` integer NOT NULL,
	FOREIGN KEY (`official_id`) REFERENCES `officials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`citizen_id` integer NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	PRIMARY KEY(`citizen_id`, `kind`, `key`),
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subscriptions_kind_key` ON `subscriptions` (`kind`,`key`);--> statement-breakpoint
ALTER TABLE `questions` ADD `event_id` integer REFERENCES events(id);--> statement-breakpoint
CREATE INDEX `questions_event` ON `questions` (`event_id`);