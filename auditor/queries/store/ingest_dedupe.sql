-- Deletes the rows of ingest $ingest_id whose uid it holds more than once, all but the last
-- by file order (the position of src_file in $files) then line: a later export overrides an
-- earlier one. Only repeated uids are ranked, so an export without repeats costs one pass.
DELETE FROM jobs
WHERE rowid IN (
    SELECT rowid
    FROM jobs
    WHERE ingest_id = $ingest_id
      AND uid IN (
          SELECT uid FROM jobs WHERE ingest_id = $ingest_id GROUP BY uid HAVING count(*) > 1
      )
    QUALIFY row_number() OVER (
        PARTITION BY uid
        ORDER BY coalesce(list_position($files, src_file), len($files) + 1) DESC,
                 src_line DESC NULLS LAST
    ) > 1
);
