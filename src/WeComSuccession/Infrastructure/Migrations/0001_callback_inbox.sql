-- The durable inbox: a callback is answered 200 only after its row is here (DESIGN invariant 1).
-- dedupe_key is corp|event|change_type|create_time|ids, so WeCom's retries collapse into one row.
CREATE TABLE callback_inbox (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedupe_key     text        NOT NULL UNIQUE,
    corp_id        text        NOT NULL,
    event          text        NOT NULL,
    change_type    text,
    payload        text        NOT NULL,
    received_at    timestamptz NOT NULL,
    deliveries     integer     NOT NULL DEFAULT 1,
    processed_at   timestamptz
);

-- The sweeper looks for rows whose job never ran.
CREATE INDEX callback_inbox_unprocessed ON callback_inbox (received_at) WHERE processed_at IS NULL;
