ALTER TABLE "question_attachments" ADD COLUMN "place_name" text;--> statement-breakpoint
ALTER TABLE "question_attachments" ADD COLUMN "place_address" text;