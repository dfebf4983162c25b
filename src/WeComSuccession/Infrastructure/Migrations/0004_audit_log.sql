-- The append-only, hash-chained audit log (DESIGN invariant 7; format and checks in Audit/AuditLog.cs).
-- id is assigned by the appender under an advisory lock, 1, 2, 3, ... with no gaps (a sequence would leave
-- gaps on rollback), so a missing id means a deleted row. canonical is the exact text that was hashed:
-- jsonb re-orders keys and normalizes numbers, so before/after are kept for queries and compared with it.
CREATE TABLE audit_log (
    id          bigint      PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor       text        NOT NULL,   -- member userid, "api-key:<name>" or "system"
    action      text        NOT NULL,   -- e.g. item.retry, succession.approve
    entity_type text        NOT NULL,   -- e.g. succession, succession_item, registered_successor
    entity_id   text        NOT NULL,
    before      jsonb,
    after       jsonb,
    canonical   text        NOT NULL,
    prev_hash   bytea       NOT NULL CHECK (length(prev_hash) = 32),
    hash        bytea       NOT NULL CHECK (length(hash) = 32)
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, id);

-- Append-only for everyone who leaves the rules enabled: an UPDATE or DELETE that touches a row fails. Rules
-- and a plain SQL function rather than a PL/pgSQL trigger: the schema then needs no procedural language (the
-- dev server cannot load plpgsql.so), and SQL cannot RAISE, hence the failing cast that carries the message.
-- The table owner or a superuser can still disable the rules (or TRUNCATE, which rules do not see); the hash
-- chain is what makes such an edit visible (GET /api/v1/audit/verify).
CREATE FUNCTION audit_log_reject(operation text) RETURNS void LANGUAGE sql AS $$
    SELECT CAST('audit_log is append-only: ' || operation || ' is rejected' AS integer)
$$;
CREATE RULE audit_log_no_update AS ON UPDATE TO audit_log DO INSTEAD SELECT audit_log_reject('UPDATE');
CREATE RULE audit_log_no_delete AS ON DELETE TO audit_log DO INSTEAD SELECT audit_log_reject('DELETE');
