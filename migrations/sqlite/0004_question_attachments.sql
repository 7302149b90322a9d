CREATE TABLE `question_attachments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`question_id` integer NOT NULL,
	`channel` text NOT NULL,
	`kind` text NOT NULL,
	`file_ref` text NOT NULL,
	`mime_type` text,
	`file_name` text,
	`created_at_ms` integer NOT NULL,
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `question_attachments_question` ON `question_attachments` (`question_id`);