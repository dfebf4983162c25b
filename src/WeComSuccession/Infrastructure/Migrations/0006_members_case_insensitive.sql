-- WeCom matches userids without regard to case (ZhangSan and zhangsan are one member): so does the directory.
-- Rows keep WeCom's spelling; look-ups and upserts go through lower(userid).
CREATE UNIQUE INDEX members_userid_lower ON members (lower(userid));
