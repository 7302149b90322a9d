-- Custom SQL (drizzle-kit generate --custom): keep it when migrations are regenerated.
-- LISTEN/NOTIFY (issue 13): a committed insert of outbox rows or jobs, or a job moved in time,
-- notifies channel `rinde_wake` with `schema.table`, so every Rinde process on this database wakes
-- its dispatcher or scheduler at once (src/db/postgres/wake-listener.ts); polling stays the
-- fallback. One notification per statement, and PostgreSQL sends equal ones of a transaction once,
-- at commit (none on rollback).
CREATE FUNCTION rinde_wake_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('rinde_wake', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER outbox_wake AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION rinde_wake_notify();
--> statement-breakpoint
CREATE TRIGGER jobs_wake AFTER INSERT OR UPDATE OF run_at_ms ON jobs FOR EACH STATEMENT EXECUTE FUNCTION rinde_wake_notify();
