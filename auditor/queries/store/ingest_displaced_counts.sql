-- Of the rows an ingest displaces (ingest_displaced): how many it updates (it holds their uid
-- again) and how many --replace removes.
SELECT count(*) FILTER (WHERE updated) AS updated, count(*) FILTER (WHERE NOT updated) AS removed
FROM ingest_displaced;
