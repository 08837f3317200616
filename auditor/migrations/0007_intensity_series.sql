-- Grid carbon intensity over time (auditor ingest intensity): one row per interval of a
-- series. A series is one (zone, kind, basis); its intervals never overlap, and a gap
-- between two is a time the series does not cover (the annual factor applies there).
--   zone       the grid zone as jobs and [site] grid name it ("FR", "GB", "CAISO_NORTH");
--              compared case-insensitively
--   kind       'average' (emissions of all generation, e.g. Electricity Maps, UK Carbon
--              Intensity) or 'marginal' (of the generators that follow load, WattTime MOER);
--              the footprint never mixes the two
--   basis      'lifecycle' or 'direct' (combustion only)
--   start_ts, end_ts   the interval [start_ts, end_ts), UTC
--   g_per_kwh  g CO2e per kWh over the interval (lbs/MWh converted at 453.59237 g per lb)
--   estimated  the source marks the value as estimated or forecast, not measured (NULL: it
--              does not say)
--   ingest_id, src_file, src_line   the ingest (ledger) and the line it came from
CREATE TABLE intensity_series (
    zone VARCHAR NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('average', 'marginal')),
    basis VARCHAR NOT NULL CHECK (basis IN ('lifecycle', 'direct')),
    start_ts TIMESTAMPTZ NOT NULL,
    end_ts TIMESTAMPTZ NOT NULL CHECK (end_ts > start_ts),
    g_per_kwh DOUBLE NOT NULL CHECK (g_per_kwh >= 0),
    estimated BOOLEAN,
    ingest_id BIGINT NOT NULL,
    src_file VARCHAR,
    src_line BIGINT
);
