-- SQLite, any database: wait up to 20 s for a writer's lock before a read fails as busy (a
-- tracking server writing the store holds one while it commits).
PRAGMA busy_timeout = 20000;
