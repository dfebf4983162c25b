-- Hangfire runs every job now (its own schema, "hangfire", installed by the migrator after this file). The tables
-- of the scheduler it replaced (qrtz_*, in this schema) are dropped from databases that have them.
DO $$
DECLARE t text;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'qrtz\_%' LOOP
        EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', t);
    END LOOP;
END $$;

-- At most one waiting run per row job: the mark of a run that is enqueued and has not taken its row's lock yet
-- (Infrastructure/Jobs/JobQueue). key is '<JobClass>:<row id>'; job_id is Hangfire's, set right after the job.
CREATE TABLE job_pending (
    key         text        PRIMARY KEY,
    job_id      text,
    enqueued_at timestamptz NOT NULL DEFAULT now()
);
