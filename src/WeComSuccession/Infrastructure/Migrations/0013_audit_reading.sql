-- The audit page reads the log newest first, a page at a time, by keyset on id (Audit/AuditQueries.cs). Each of
-- its filters needs an index that keeps that walk short on a log of millions: an actor ("what did 王静 do"), an
-- entity type ("role changes"), and dates, which the page turns into id bounds found on at.
CREATE INDEX audit_log_actor ON audit_log (lower(actor), id);
CREATE INDEX audit_log_type ON audit_log (entity_type, id);
CREATE INDEX audit_log_at ON audit_log (at);
