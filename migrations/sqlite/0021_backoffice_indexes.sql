CREATE INDEX `outbox_question` ON `outbox` (`question_id`) WHERE question_id is not null;--> statement-breakpoint
CREATE INDEX `questions_office_due` ON `questions` (`office_key`,`due_date`,`id`);