-- WeCom matches userids without regard to case (ZhangSan and zhangsan are one member): so does the directory.
-- Rows keep WeCom's spelling; look-ups and upserts go through lower(userid), which becomes the member's identity.
-- The old primary key on the exact spelling goes: an upsert arbitrates on one unique index only, and two
-- concurrent upserts of one member would otherwise collide on the other one (23505 on members_pkey).
CREATE UNIQUE INDEX members_userid_lower ON members (lower(userid));
ALTER TABLE members DROP CONSTRAINT members_pkey;
ALTER TABLE members ALTER COLUMN userid SET NOT NULL;
CREATE INDEX members_userid ON members (userid);
