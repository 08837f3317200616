-- Returns how many rows the table {{table}} holds.
SELECT count(*) FROM {{table}}
