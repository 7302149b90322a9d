CREATE TABLE `channel_identities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`citizen_id` integer NOT NULL,
	`channel` text NOT NULL,
	`address` text NOT NULL,
	`unreachable_at_ms` integer,
	`created_at_ms` integer NOT NULL,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_identities_channel_address` ON `channel_identities` (`channel`,`address`);--> statement-breakpoint
CREATE INDEX `channel_identities_citizen` ON `channel_identities` (`citizen_id`);--> statement-breakpoint
CREATE TABLE `citizens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`locale` text DEFAULT 'es' NOT NULL,
	`consent` text DEFAULT 'none' NOT NULL,
	`created_at_ms` integer NOT NULL,
	`deleted_at_ms` integer
);
--> statement-breakpoint
CREATE TABLE `consents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`citizen_id` integer NOT NULL,
	`decision` text NOT NULL,
	`notice_version` text NOT NULL,
	`channel` text NOT NULL,
	`decided_at_ms` integer NOT NULL,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consents_citizen` ON `consents` (`citizen_id`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`citizen_id` integer PRIMARY KEY NOT NULL,
	`flow_id` text NOT NULL,
	`step_id` text NOT NULL,
	`flow_version` integer NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`updated_at_ms` integer NOT NULL,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `inbound_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`channel_message_id` text NOT NULL,
	`received_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_messages_channel_message` ON `inbound_messages` (`channel`,`channel_message_id`);--> statement-breakpoint
CREATE TABLE `offices` (
	`key` text PRIMARY KEY NOT NULL,
	`category` text NOT NULL,
	`name` text NOT NULL,
	`head` text NOT NULL,
	`description` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`telegram_chat_id` text,
	`whatsapp_jid` text,
	`updated_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `officials` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`office_key` text,
	`role` text NOT NULL,
	`channel` text,
	`address` text,
	`active` integer DEFAULT true NOT NULL,
	`created_at_ms` integer NOT NULL,
	`removed_at_ms` integer,
	FOREIGN KEY (`office_key`) REFERENCES `offices`(`key`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `officials_office` ON `officials` (`office_key`);--> statement-breakpoint
CREATE INDEX `officials_channel_address` ON `officials` (`channel`,`address`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`idempotency_key` text NOT NULL,
	`channel` text NOT NULL,
	`address` text NOT NULL,
	`citizen_id` integer,
	`priority` integer DEFAULT 0 NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`not_before_ms` integer NOT NULL,
	`claimed_by` text,
	`claimed_until_ms` integer,
	`last_error` text,
	`channel_message_id` text,
	`created_at_ms` integer NOT NULL,
	`sent_at_ms` integer,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_idempotency_key` ON `outbox` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`channel`,`priority`,`not_before_ms`);--> statement-breakpoint
CREATE INDEX `outbox_channel_message` ON `outbox` (`channel`,`channel_message_id`);--> statement-breakpoint
CREATE INDEX `outbox_chat` ON `outbox` (`channel`,`address`,`status`);--> statement-breakpoint
CREATE TABLE `question_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`question_id` integer NOT NULL,
	`kind` text NOT NULL,
	`actor` text NOT NULL,
	`at_ms` integer NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `question_events_question` ON `question_events` (`question_id`);--> statement-breakpoint
CREATE TABLE `questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reference` text NOT NULL,
	`citizen_id` integer NOT NULL,
	`office_key` text NOT NULL,
	`request_type` text NOT NULL,
	`status` text NOT NULL,
	`text` text NOT NULL,
	`channel` text NOT NULL,
	`filed_at_ms` integer NOT NULL,
	`term_business_days` integer NOT NULL,
	`due_date` text NOT NULL,
	`answer_text` text,
	`answered_at_ms` integer,
	`answered_by` integer,
	`updated_at_ms` integer NOT NULL,
	FOREIGN KEY (`citizen_id`) REFERENCES `citizens`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`office_key`) REFERENCES `offices`(`key`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`answered_by`) REFERENCES `officials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `questions_reference` ON `questions` (`reference`);--> statement-breakpoint
CREATE INDEX `questions_citizen` ON `questions` (`citizen_id`);--> statement-breakpoint
CREATE INDEX `questions_office_status` ON `questions` (`office_key`,`status`);--> statement-breakpoint
CREATE INDEX `questions_status_due` ON `questions` (`status`,`due_date`);--> statement-breakpoint
CREATE TABLE `reference_counters` (
	`year` integer PRIMARY KEY NOT NULL,
	`last_seq` integer NOT NULL
);
