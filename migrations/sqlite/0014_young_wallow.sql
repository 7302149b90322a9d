CREATE TABLE `channel_windows` (
	`channel` text NOT NULL,
	`address_key` text NOT NULL,
	`last_inbound_at_ms` integer NOT NULL,
	PRIMARY KEY(`channel`, `address_key`)
);
--> statement-breakpoint
ALTER TABLE `outbox` ADD `template` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `delivery_status` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `delivery_status_at_ms` integer;--> statement-breakpoint
ALTER TABLE `outbox` ADD `delivery_error` text;