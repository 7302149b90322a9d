CREATE TABLE `channel_pauses` (
	`channel` text PRIMARY KEY NOT NULL,
	`paused_until_ms` integer NOT NULL,
	`reason` text,
	`updated_at_ms` integer NOT NULL
);
