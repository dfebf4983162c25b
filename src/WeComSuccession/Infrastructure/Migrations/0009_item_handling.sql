-- An item a person took care of outside the service (called the customer, moved them by hand in WeCom): its state
-- stays what WeCom made of it (refused, failed, manual), and the note says who handled it and how. It no longer
-- waits for a person.
ALTER TABLE succession_items ADD COLUMN handled_note text;
ALTER TABLE succession_items ADD COLUMN handled_by text;
ALTER TABLE succession_items ADD COLUMN handled_at timestamptz;

DROP INDEX succession_items_attention;
CREATE INDEX succession_items_attention ON succession_items (updated_at, id)
    WHERE state IN ('failed', 'refused', 'manual') AND handled_at IS NULL;

-- A departure's trail: what people did to its items (the system's own transitions are many and stay out of it).
CREATE INDEX audit_log_person_items ON audit_log (((after ->> 'succession_id')::bigint))
    WHERE entity_type = 'succession_item' AND actor <> 'system';
