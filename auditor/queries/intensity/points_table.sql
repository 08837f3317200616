-- Creates `points`: every record of the files an intensity ingest reads, as text, before
-- any check. One row per record: the file, its place (a line number, or a JSON path such
-- as data[3]) and ord (line, or 1-based record index: what src_line keeps), the zone, the
-- start and end as written (end NULL when the file gives starts only), the value as written,
-- the factor to g/kWh, estimated, kind and basis, and what the file says of its spacing
-- (period_s: seconds per point; calendar: 'hour', 'day', 'month' or 'year' from its name);
-- and, cast as each file is read (NULL where the text does not parse, which
-- intensity/problems.sql reports): file_no (the file's place among those given), start_ts
-- and given_end_ts (UTC: a time without an offset is read as UTC) and g_per_kwh.
CREATE OR REPLACE TEMP TABLE points (
    file VARCHAR,
    place VARCHAR,
    ord BIGINT,
    zone VARCHAR,
    ts_text VARCHAR,
    end_text VARCHAR,
    value_text VARCHAR,
    g_per_unit DOUBLE,
    estimated BOOLEAN,
    kind VARCHAR,
    basis VARCHAR,
    period_s BIGINT,
    calendar VARCHAR,
    file_no INTEGER,
    start_ts TIMESTAMPTZ,
    given_end_ts TIMESTAMPTZ,
    g_per_kwh DOUBLE
);
