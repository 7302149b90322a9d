CREATE TABLE `answer_totals` (
	`month` text NOT NULL,
	`office_key` text NOT NULL,
	`received` integer NOT NULL,
	`answered_on_time` integer NOT NULL,
	`answered_late` integer NOT NULL,
	`open_within_term` integer NOT NULL,
	`overdue` integer NOT NULL,
	`waiting_for_citizen` integer NOT NULL,
	`withdrawn` integer NOT NULL,
	`extended` integer NOT NULL,
	`transferred` integer NOT NULL,
	`answer_days` text NOT NULL,
	PRIMARY KEY(`month`, `office_key`)
);
--> statement-breakpoint
DROP INDEX `questions_event`;--> statement-breakpoint
CREATE INDEX `questions_event` ON `questions` (`event_id`,`status`);