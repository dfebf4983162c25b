-- People who sign in: their sessions, their departments, their roles.

-- The Data Protection key ring: cookies signed on one node are read on every node (DESIGN: people).
CREATE TABLE data_protection_keys (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendly_name text NOT NULL UNIQUE,
    xml          text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- The department tree as WeCom has it (department/simplelist, names from department/get), snapshotted like the
-- members: a scoped admin sees the departures of members in their departments and every department below them.
CREATE TABLE departments (
    id         bigint PRIMARY KEY,
    parent_id  bigint NOT NULL,          -- 0 for the root
    name       text,
    sort_order bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL
);
CREATE INDEX departments_parent ON departments (parent_id);

-- 权限分级: 超级管理员 (super_admin: everything), 管理员 (admin: departures of their departments and below),
-- 审计员 (auditor: read-only, audit log included). Members named in Admin:SuperAdmins are super admins without a row.
CREATE TABLE admin_roles (
    userid      text PRIMARY KEY,
    role        text NOT NULL CHECK (role IN ('super_admin', 'admin', 'auditor')),
    departments bigint[] NOT NULL DEFAULT '{}',   -- the admin's scope roots; empty for the other roles
    granted_by  text NOT NULL,
    granted_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX admin_roles_userid_lower ON admin_roles (lower(userid));
