-- What the dashboard reads, fast with a million items behind it.

-- A member's customers as WeCom counted them at the last directory sync (externalcontact/list): the load shown
-- beside each member in the successor picker and on the successors page.
ALTER TABLE members ADD COLUMN customer_count integer;
ALTER TABLE members ADD COLUMN customer_count_at timestamptz;

-- Departures newest first (the list), by state, and completed ones by completion time (overview, analytics).
CREATE INDEX successions_created ON successions (created_at DESC, id DESC);
CREATE INDEX successions_state_created ON successions (state, created_at DESC);
CREATE INDEX successions_completed ON successions (completed_at) WHERE completed_at IS NOT NULL;

-- Items that need a person, oldest first (the failures page), and final items by day (the overview's chart).
CREATE INDEX succession_items_attention ON succession_items (updated_at, id) WHERE state IN ('failed', 'refused', 'manual');
CREATE INDEX succession_items_final_day ON succession_items (updated_at) WHERE state IN ('transferred', 'refused', 'failed');
CREATE INDEX succession_items_takeover ON succession_items (takeover_userid) WHERE takeover_userid IS NOT NULL;
