ALTER TABLE `question_attachments` ADD `place_name` text;--> statement-breakpoint
ALTER TABLE `question_attachments` ADD `place_address` text;