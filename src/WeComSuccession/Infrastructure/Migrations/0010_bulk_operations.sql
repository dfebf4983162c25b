-- A person's action on many items at once (the failures page's bulk retry, re-assign, mark handled), done by a job
-- in batches so the page can show how far it got. The items are listed as they were chosen; done/changed/skipped
-- count as it goes; a job cut short resumes where the count stands (each batch commits with its count).
CREATE TABLE bulk_operations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action      text        NOT NULL CHECK (action IN ('retry', 'reassign', 'handled')),
    actor       text        NOT NULL,            -- the member who asked
    door        text        NOT NULL,
    takeover    text,                            -- reassign: the new successor
    note        text,                            -- handled: how
    items       bigint[]    NOT NULL,            -- item ids in the order they are done
    done        integer     NOT NULL DEFAULT 0,  -- how many of items were processed
    changed     integer     NOT NULL DEFAULT 0,
    skipped     integer     NOT NULL DEFAULT 0,
    last_error  text,                            -- why the last batch left items alone (one example)
    created_at  timestamptz NOT NULL,
    finished_at timestamptz
);
