-- The dashboard over 10,000 departures and 1,000,000 items (tests/WeComSuccession.Benchmarks, `measure dashboard`,
-- REPORT.md): the overview's "needs action" count and the failures page's total and reasons read every item that
-- waits for a person (16,000 there), and the overview's trend every item finished in the last 14 days (29,000).
-- Through the indexes of 0008/0009 each of those rows cost a visit to its table page, scattered over the whole table
-- (EXPLAIN ANALYZE: 220 ms for the count alone). The same indexes, carrying the columns those queries read, answer
-- them from the index (index-only scans).
DROP INDEX succession_items_attention;
CREATE INDEX succession_items_attention ON succession_items (updated_at, id) INCLUDE (succession_id, state, errcode, kind)
    WHERE state IN ('failed', 'refused', 'manual') AND handled_at IS NULL;

DROP INDEX succession_items_final_day;
CREATE INDEX succession_items_final_day ON succession_items (updated_at) INCLUDE (state, succession_id)
    WHERE state IN ('transferred', 'refused', 'failed');

-- Analytics, failure reasons by department: every item that needed a person in the period, handled or not (38,000 in
-- 12 months there); without an index on that set it read the whole table (EXPLAIN ANALYZE: a parallel sequential
-- scan of 1,000,000 rows, 1.0 s). It carries handled_at too: the planner also picks it for the queries of items
-- still waiting for a person, and without handled_at each of those rows would cost a visit to the table.
CREATE INDEX succession_items_needed_person ON succession_items (updated_at) INCLUDE (succession_id, state, errcode, handled_at)
    WHERE state IN ('failed', 'refused', 'manual');
