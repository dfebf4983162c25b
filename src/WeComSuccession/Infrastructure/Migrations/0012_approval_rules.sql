-- Approvals (issue 10): rules that route a plan, each approver's decision per round, the cards sent to approvers
-- and their updates, and what an approver needs to see of each customer and group.

-- 审批规则: evaluated in position order; the first whose conditions all hold decides the route. An empty array or a
-- NULL bound is "any". With no row here the configuration (Succession:Approval:*) is the only rule.
CREATE TABLE approval_rules (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    position        integer     NOT NULL,
    name            text        NOT NULL,
    enabled         boolean     NOT NULL DEFAULT true,
    departments     bigint[]    NOT NULL DEFAULT '{}',  -- the leaver is in one of these or below
    min_customers   integer,                            -- at least this many customers
    max_customers   integer,                            -- at most this many customers
    key_tags        text[]      NOT NULL DEFAULT '{}',  -- at least one customer carries one of these corp tags (name or id)
    triggers        text[]      NOT NULL DEFAULT '{}',  -- deleted | disabled | hr_request
    route           text        NOT NULL CHECK (route IN ('none', 'direct_leader', 'department_leader', 'members', 'two_person')),
    members         text[]      NOT NULL DEFAULT '{}',  -- the approvers of route 'members'; reviewers added to 'two_person'
    remind_after_hours   integer CHECK (remind_after_hours > 0),
    escalate_after_hours integer CHECK (escalate_after_hours > 0),
    expire_after_hours   integer CHECK (expire_after_hours > 0),
    updated_by      text        NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX approval_rules_name ON approval_rules (lower(name));

-- How a plan was routed and where its approval stands (owned by SuccessionStore, like the rest of the row).
ALTER TABLE successions ADD COLUMN approval_rule text;              -- the rule's name as it was when it routed the plan
ALTER TABLE successions ADD COLUMN approval_route text;             -- none | direct_leader | department_leader | members | two_person
ALTER TABLE successions ADD COLUMN approvals_needed smallint NOT NULL DEFAULT 1;
ALTER TABLE successions ADD COLUMN approval_round smallint NOT NULL DEFAULT 0;  -- a new round when the plan changes after an approval
ALTER TABLE successions ADD COLUMN approval_requested_at timestamptz; -- since when it waits
ALTER TABLE successions ADD COLUMN remind_at timestamptz;            -- the due times of the approval's timers
ALTER TABLE successions ADD COLUMN reminded_at timestamptz;
ALTER TABLE successions ADD COLUMN escalate_at timestamptz;
ALTER TABLE successions ADD COLUMN escalate_every interval;
ALTER TABLE successions ADD COLUMN expire_at timestamptz;
ALTER TABLE successions ADD COLUMN approval_outcome text;            -- approved | rejected | expired, once decided
CREATE INDEX successions_awaiting ON successions (approval_requested_at DESC) WHERE state = 'awaiting_approval';

-- What a person deciding sees of each customer (name, corp tags) and group (name, size), read once while planning.
ALTER TABLE succession_items ADD COLUMN name text;
ALTER TABLE succession_items ADD COLUMN tags text[];
ALTER TABLE succession_items ADD COLUMN group_size integer;
ALTER TABLE succession_items ADD COLUMN details_at timestamptz;      -- when they were read (NULL: not read)

-- Each approver's decision, once per round: the same member twice in a round does not count twice (双人复核).
CREATE TABLE approval_decisions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    succession_id bigint      NOT NULL REFERENCES successions,
    round         smallint    NOT NULL,
    approver      text        NOT NULL,
    decision      text        NOT NULL CHECK (decision IN ('approve', 'reject')),
    reason        text,
    door          text        NOT NULL,   -- workbench | card | dashboard | api-key:<name>
    task_id       text,                   -- the card clicked, when the door is a card
    decided_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX approval_decisions_once ON approval_decisions (succession_id, round, lower(approver));
CREATE INDEX approval_decisions_by_approver ON approval_decisions (lower(approver), decided_at DESC);

-- Approval cards (template_card button_interaction) as sent: recorded before message/send, so a crash neither
-- loses nor doubles one; the send-time response_code updates every copy once, within its window.
CREATE TABLE approval_cards (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    succession_id bigint      NOT NULL REFERENCES successions,
    round         smallint    NOT NULL,
    kind          text        NOT NULL CHECK (kind IN ('request', 'reminder', 'escalation')),
    task_id       text        NOT NULL UNIQUE,
    recipients    text[]      NOT NULL,
    created_at    timestamptz NOT NULL,
    sent_at       timestamptz,
    response_code text,                  -- the send-time code; NULL when WeCom gave none (a re-send after a crash)
    error         text,
    closed_at     timestamptz             -- its buttons were replaced by an outcome (or left alone, see approval_card_updates)
);
CREATE INDEX approval_cards_open ON approval_cards (succession_id) WHERE closed_at IS NULL;

-- Every update_template_card owed: recorded before it is sent; the unique response_code is the duplicate check.
CREATE TABLE approval_card_updates (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    card_id       bigint      NOT NULL REFERENCES approval_cards,
    response_code text        NOT NULL UNIQUE,
    code_from     text        NOT NULL,   -- send | the clicking member
    issued_at     timestamptz NOT NULL,   -- when WeCom issued the code (the send, or the click): its window starts here
    userids       text[]      NOT NULL,
    replace_name  text        NOT NULL,
    created_at    timestamptz NOT NULL,
    sent_at       timestamptz,
    skipped       text,                   -- why it was not sent (e.g. the response_code's window had passed)
    error         text
);
CREATE INDEX approval_card_updates_owed ON approval_card_updates (card_id) WHERE sent_at IS NULL AND skipped IS NULL;
