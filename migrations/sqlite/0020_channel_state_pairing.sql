ALTER TABLE `channel_state` ADD `since_ms` integer;--> statement-breakpoint
ALTER TABLE `channel_state` ADD `account` text;--> statement-breakpoint
ALTER TABLE `channel_state` ADD `last_error` text;--> statement-breakpoint
ALTER TABLE `channel_state` ADD `last_error_at_ms` integer;--> statement-breakpoint
ALTER TABLE `channel_state` ADD `pairing_qr` text;--> statement-breakpoint
ALTER TABLE `channel_state` ADD `pairing_code` text;--> statement-breakpoint
ALTER TABLE `channel_state` ADD `pairing_expires_at_ms` integer;