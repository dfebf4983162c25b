-- One departure of one member, and every customer and group it must hand over (see Successions/States.cs).
CREATE TABLE successions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    handover_userid text        NOT NULL,
    api             text        NOT NULL CHECK (api IN ('resigned', 'on_job')),
    state           text        NOT NULL,
    trigger         text        NOT NULL,   -- callback | sweep | manual
    reason          text,                   -- why it is in its state, for people
    approvers       text[]      NOT NULL DEFAULT '{}',
    decided_by      text,
    decided_at      timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    completed_at    timestamptz,
    next_run_at     timestamptz             -- when its step job has due work; NULL = nothing due
);
-- One open succession per member: duplicate callbacks, the sweep and manual triggers all meet here.
CREATE UNIQUE INDEX successions_one_open_per_member ON successions (handover_userid)
    WHERE state NOT IN ('completed', 'rejected', 'ignored');
CREATE INDEX successions_due ON successions (next_run_at) WHERE next_run_at IS NOT NULL;

CREATE TABLE succession_items (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    succession_id   bigint      NOT NULL REFERENCES successions,
    kind            text        NOT NULL CHECK (kind IN ('customer', 'group')),
    target_id       text        NOT NULL,   -- external_userid or chat_id
    takeover_userid text,                   -- NULL while no successor is eligible (manual)
    rule            text,                   -- registered | direct_leader | department_leader | pool | fallback | manual
    state           text        NOT NULL,
    reason          text,
    errcode         integer,
    reroutes        smallint    NOT NULL DEFAULT 0,
    attempts        smallint    NOT NULL DEFAULT 0,
    tried_takeovers text[]      NOT NULL DEFAULT '{}',
    batch_id        bigint,
    not_before      timestamptz,            -- queued but not before (next day's group quota, retry later)
    takeover_time   timestamptz,            -- WeCom's automatic takeover time while waiting
    next_check_at   timestamptz,            -- when to ask transfer_result again
    updated_at      timestamptz NOT NULL,
    UNIQUE (succession_id, kind, target_id)
);
CREATE INDEX succession_items_by_state ON succession_items (succession_id, state);
CREATE INDEX succession_items_waiting ON succession_items (takeover_userid, target_id) WHERE state = 'waiting';

-- One transfer call. Written with its items set to 'submitting' before the call leaves, so that after a
-- crash the service knows exactly which items to check with transfer_result before sending anything again.
CREATE TABLE transfer_batches (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    succession_id   bigint      NOT NULL REFERENCES successions,
    kind            text        NOT NULL,
    api             text        NOT NULL,
    handover_userid text        NOT NULL,
    takeover_userid text        NOT NULL,
    size            integer     NOT NULL,
    state           text        NOT NULL,   -- sending | answered | unknown
    errcode         integer,
    created_at      timestamptz NOT NULL,
    answered_at     timestamptz
);

-- WeCom allows 300 groups of one old owner per day; reserved before a group call leaves.
CREATE TABLE group_transfer_quota (
    handover_userid text    NOT NULL,
    day             date    NOT NULL,
    used            integer NOT NULL,
    PRIMARY KEY (handover_userid, day)
);
