-- Before ingest $ingest_id is forgotten: the narrow rows it displaced unchanged get their
-- values from its version of the job (stored, or displaced since and kept whole) and their
-- own provenance. A narrow row whose next version is narrow too stays narrow (it equals the
-- version after that, to which store/forget_relink_later.sql links it).
INSERT INTO jobs_replaced BY NAME
SELECT v.* REPLACE (p.ingest_id AS ingest_id, p.src_file AS src_file, p.src_line AS src_line),
    p.replaced_by AS replaced_by, false AS unchanged
FROM jobs_replaced p
JOIN (
    SELECT * FROM jobs WHERE ingest_id = $ingest_id
    UNION ALL BY NAME
    SELECT * EXCLUDE (replaced_by, unchanged)
    FROM jobs_replaced
    WHERE ingest_id = $ingest_id AND NOT unchanged
) v ON v.uid = p.uid
WHERE p.replaced_by = $ingest_id AND p.unchanged;
