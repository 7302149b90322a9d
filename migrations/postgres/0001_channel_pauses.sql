CREATE TABLE "channel_pauses" (
	"channel" text PRIMARY KEY NOT NULL,
	"paused_until_ms" bigint NOT NULL,
	"reason" text,
	"updated_at_ms" bigint NOT NULL
);
