CREATE INDEX `questions_filed` ON `questions` (`filed_at_ms`);--> statement-breakpoint
CREATE INDEX `survey_runs_question` ON `survey_runs` (`question_id`);