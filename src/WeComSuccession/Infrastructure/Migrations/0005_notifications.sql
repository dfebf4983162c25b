-- One row per message the service owes someone about a succession: the unique key is the duplicate check,
-- and a row without sent_at is a message still owed (e.g. the process died before WeCom answered).
CREATE TABLE notifications (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    succession_id bigint      NOT NULL REFERENCES successions,
    recipient     text        NOT NULL,
    kind          text        NOT NULL,   -- successor_digest | failure_digest
    title         text        NOT NULL,
    description   text        NOT NULL,
    created_at    timestamptz NOT NULL,
    sent_at       timestamptz,
    error         text,
    UNIQUE (succession_id, recipient, kind)
);
