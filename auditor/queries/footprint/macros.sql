-- Temp macros of the footprint model (auditor.model.footprint defines them per computation;
-- temp, so that a read-only store can hold them).
-- year_rank(year, job_year): how well a factor's year fits a job's, lowest best: the newest
-- year not after the job's (a job with no year counts as the newest), then the oldest after
-- it, then an undated factor.
CREATE OR REPLACE TEMP MACRO year_rank(year, job_year) AS CASE
    WHEN year IS NULL THEN 2000000
    WHEN year <= coalesce(job_year, 9999) THEN coalesce(job_year, 9999) - year
    ELSE 1000000 + year - coalesce(job_year, 9999)
END;
-- priced_sum(cost, missing): an aggregate, the sum of the cost of a group's jobs, NULL when
-- one of them has no price (`missing`): a partial sum would mislead.
CREATE OR REPLACE TEMP MACRO priced_sum(cost, missing) AS
    CASE WHEN bool_or(missing) THEN NULL ELSE fsum(cost) END;
-- written(x): a figure as explain writes it in its arithmetic: 15 significant digits, as
-- Python's format '.15g' writes them, '' for NULL.
CREATE OR REPLACE TEMP MACRO written(x) AS coalesce(printf('%.15g', CAST(x AS DOUBLE)), '');
-- footprint_sums(...): an aggregate, a group's footprint as a struct (energy_kwh, co2e_kg,
-- cloud_cost_usd_low, cloud_cost_usd_high, electricity_cost_usd, measured_share), from its
-- jobs' columns of the same names; measured_share is the measured part of the group's energy
-- (NULL when it has none). Summaries and the report add a group's figures the same way.
CREATE OR REPLACE TEMP MACRO footprint_sums(
    energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high, price_missing,
    electricity_cost_usd, measured_energy_kwh
) AS {
    'energy_kwh': fsum(energy_kwh),
    'co2e_kg': fsum(co2e_kg),
    'cloud_cost_usd_low': priced_sum(cloud_cost_usd_low, price_missing),
    'cloud_cost_usd_high': priced_sum(cloud_cost_usd_high, price_missing),
    'electricity_cost_usd': fsum(electricity_cost_usd),
    'measured_share': fsum(measured_energy_kwh) / nullif(fsum(energy_kwh), 0)
};
