ALTER TABLE "channel_state" ADD COLUMN "since_ms" bigint;--> statement-breakpoint
ALTER TABLE "channel_state" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "channel_state" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "channel_state" ADD COLUMN "last_error_at_ms" bigint;--> statement-breakpoint
ALTER TABLE "channel_state" ADD COLUMN "pairing_qr" text;--> statement-breakpoint
ALTER TABLE "channel_state" ADD COLUMN "pairing_code" text;--> statement-breakpoint
ALTER TABLE "channel_state" ADD COLUMN "pairing_expires_at_ms" bigint;