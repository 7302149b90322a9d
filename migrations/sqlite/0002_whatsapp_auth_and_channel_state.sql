CREATE TABLE `channel_state` (
	`channel` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`detail` text,
	`updated_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `whatsapp_auth` (
	`session` text NOT NULL,
	`category` text NOT NULL,
	`id` text NOT NULL,
	`value` text NOT NULL,
	`updated_at_ms` integer NOT NULL,
	PRIMARY KEY(`session`, `category`, `id`)
);
