-- SQLite, any database: the number of schema entries; reading it fails at once on a file that
-- is no database or cannot be read.
SELECT count(*) FROM sqlite_master;
