-- Scalar macros for the values of CSV job logs (auditor.ingest.csv_log defines them per import).
-- csv_blank(s): no value: NULL, empty or only spaces.
CREATE OR REPLACE MACRO csv_blank(s) AS s IS NULL OR trim(s) = '';

-- csv_ts(s, tz): a time as ISO 8601 (a date, or date and time with 'T' or a space, optional
-- seconds and fraction) without an offset (read in zone tz), ISO with an offset or 'Z', or
-- epoch seconds (a number above 1e11 is taken as epoch milliseconds). NULL for a blank or
-- malformed value: the caller tells them apart. Casts, not strptime: many times faster.
CREATE OR REPLACE MACRO csv_ts_offset(s) AS
    regexp_full_match(s, '\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|[+-]\d\d(:?\d\d)?)');
CREATE OR REPLACE MACRO csv_ts_local(s) AS
    regexp_full_match(trim(coalesce(s, '')), '\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?');
CREATE OR REPLACE MACRO csv_ts_at(s, tz) AS CASE
    WHEN csv_ts_offset(s) THEN try_cast(s AS TIMESTAMPTZ)
    WHEN csv_ts_local(s) THEN timezone(tz, try_cast(s AS TIMESTAMP))
    WHEN regexp_full_match(s, '\d{1,15}(\.\d+)?') THEN to_timestamp(
        CASE WHEN try_cast(s AS DOUBLE) > 1e11 THEN try_cast(s AS DOUBLE) / 1000
             ELSE try_cast(s AS DOUBLE) END)
END;
CREATE OR REPLACE MACRO csv_ts(s, tz) AS csv_ts_at(trim(s), tz);

-- csv_num(s): a finite number, else NULL ('NaN', 'inf' and words are not numbers).
CREATE OR REPLACE MACRO csv_num(s) AS CASE
    WHEN regexp_full_match(trim(coalesce(s, '')), '[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?')
    THEN try_cast(trim(s) AS DOUBLE)
END;

-- csv_dur(s, unit_s): a duration in seconds: a number of units of unit_s seconds, or
-- [D-]HH:MM:SS[.fff] / MM:SS whatever the unit. NULL for a malformed value, and for one of
-- a thousand years or more (no job runs that long; such a number is a unit mistake).
CREATE OR REPLACE MACRO csv_dur_any(s, unit_s) AS CASE
    WHEN csv_num(s) IS NOT NULL THEN csv_num(s) * unit_s
    WHEN regexp_full_match(trim(coalesce(s, '')), '(\d+-)?\d+:\d\d(:\d\d)?(\.\d+)?') THEN clock_seconds(
        CASE WHEN contains(trim(s), '-') THEN split_part(trim(s), '-', 1) END,
        string_split(CASE WHEN contains(trim(s), '-') THEN split_part(trim(s), '-', 2)
                          ELSE trim(s) END, ':'))
END;
CREATE OR REPLACE MACRO csv_dur(s, unit_s) AS CASE
    WHEN abs(csv_dur_any(s, unit_s)) < 1000 * 365.25 * 86400 THEN csv_dur_any(s, unit_s)
END;
