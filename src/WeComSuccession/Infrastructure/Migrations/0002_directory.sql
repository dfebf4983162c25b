-- The member directory, snapshotted while members are active: a deleted member can no longer be read
-- from WeCom, but their leaders and departments decide who inherits their customers.
CREATE TABLE members (
    userid           text PRIMARY KEY,
    name             text,
    status           smallint    NOT NULL,               -- 1 active, 2 disabled, 4 not activated, 5 quit
    departments      bigint[]    NOT NULL DEFAULT '{}',
    leader_of        bigint[]    NOT NULL DEFAULT '{}',  -- departments where IsLeaderInDept = 1
    main_department  bigint,
    direct_leaders   text[]      NOT NULL DEFAULT '{}',
    customer_contact boolean     NOT NULL DEFAULT false, -- in get_follow_user_list (客户联系 permission)
    departed_at      timestamptz,                        -- deleted or quit, as first seen
    updated_at       timestamptz NOT NULL
);
CREATE INDEX members_departments ON members USING gin (departments);
CREATE INDEX members_leader_of ON members USING gin (leader_of);

-- Successors named in advance ("when A leaves, B inherits"), first in the successor chain.
CREATE TABLE registered_successors (
    handover_userid  text PRIMARY KEY,
    successor_userid text        NOT NULL,
    registered_by    text        NOT NULL,
    registered_at    timestamptz NOT NULL
);
