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
-- gpu_util_mean(gpus, gpu_util, gpu_util_peak): the time-averaged use of a job's GPUs, 0..1:
-- its logged mean, else 0 when even its peak was 0 (a peak above 0 bounds the mean but is
-- none; a mean wins over a peak of 0, which Slurm also reports for GPUs it cannot read);
-- NULL for a job with no GPUs, whose logged GPU use means nothing.
CREATE OR REPLACE TEMP MACRO gpu_util_mean(gpus, gpu_util, gpu_util_peak) AS
    CASE WHEN coalesce(gpus, 0) > 0
        THEN coalesce(gpu_util, CASE WHEN gpu_util_peak = 0 THEN 0.0 END) END;
-- How a group used its GPUs, each an aggregate over its jobs (summaries with and without
-- footprint settings, summary/gpu_hours.sql and summary/footprint.sql). gpu_seconds is a
-- job's GPUs x elapsed seconds as logged (a MIG slice's mean is its slice's), u its
-- gpu_util_mean (NULL: no mean), idle_below the mean under which its GPUs idled.
-- Scalar macros, not one struct: DuckDB computes a struct of aggregates over many groups
-- (a summary by sweep or run) at twice the cost, and FILTER lets rows with no mean skip the
-- sums. unused_gpu_hours = covered GPU-hours x (1 - gpu_util), by construction.
-- use_mean: the mean weighted by GPU-hours, over the jobs that have one.
CREATE OR REPLACE TEMP MACRO use_mean(gpu_seconds, u) AS
    fsum(gpu_seconds * u) / nullif(fsum(gpu_seconds) FILTER (WHERE u IS NOT NULL), 0);
-- use_coverage: the share of the GPU-hours that have a mean (NULL with no GPU-hours).
CREATE OR REPLACE TEMP MACRO use_coverage(gpu_seconds, u) AS
    coalesce(fsum(gpu_seconds) FILTER (WHERE u IS NOT NULL), 0) / nullif(fsum(gpu_seconds), 0);
-- idle_hours: the GPU-hours of the jobs whose mean is below idle_below.
CREATE OR REPLACE TEMP MACRO idle_hours(gpu_seconds, u, idle_below) AS
    coalesce(fsum(gpu_seconds) FILTER (WHERE u < idle_below), 0) / 3600.0;
-- unused_hours: gpu_hours x (1 - u) over the jobs that have a mean.
CREATE OR REPLACE TEMP MACRO unused_hours(gpu_seconds, u) AS
    coalesce(fsum(gpu_seconds) FILTER (WHERE u IS NOT NULL) - fsum(gpu_seconds * u), 0) / 3600.0;
-- The footprint of those GPU-hours: idle_share the whole figure x of the idle jobs, unused_share
-- the share (1 - u) of x of each job with a mean; the *_priced forms are NULL when one of the
-- jobs they add has no price (missing), as priced_sum.
CREATE OR REPLACE TEMP MACRO idle_share(x, u, idle_below) AS
    coalesce(fsum(x) FILTER (WHERE u < idle_below), 0);
CREATE OR REPLACE TEMP MACRO idle_priced(cost, missing, u, idle_below) AS
    CASE WHEN bool_or(missing) FILTER (WHERE u < idle_below) THEN NULL
        ELSE idle_share(cost, u, idle_below) END;
CREATE OR REPLACE TEMP MACRO unused_share(x, u) AS coalesce(fsum(x * (1 - u)), 0);
CREATE OR REPLACE TEMP MACRO unused_priced(cost, missing, u) AS
    CASE WHEN bool_or(missing) FILTER (WHERE u IS NOT NULL) THEN NULL
        ELSE unused_share(cost, u) END;
-- split_written(name, i, energy_j, parts): explain's arithmetic of the part i of a whole-job
-- energy its log measured by part (codecarbon's gpu_energy, cpu_energy, ram_energy, kWh):
-- the measured energy in the share of that part.
CREATE OR REPLACE TEMP MACRO split_written(name, i, energy_j, parts) AS
    'measured by part: energy_j / 3,600,000 J per kWh x ' || name
    || ' / (gpu_energy + cpu_energy + ram_energy) = ' || written(energy_j) || ' / 3600000 x '
    || written(parts[i]) || ' / (' || written(parts[1]) || ' + ' || written(parts[2]) || ' + '
    || written(parts[3]) || ')';
-- job_text(tags, name): the value a job carries for a number named `name`: its tag `name`
-- (a CSV column), else MLflow's metric.name (the latest value), param.name or tag.name;
-- job_number(tags, name) the first of those that is a number, NULL when it is not finite.
-- auditor sci's --per and auditor sensitivity's --metric read a job's number so.
CREATE OR REPLACE TEMP MACRO job_text(tags, name) AS coalesce(
    tags[name], tags['metric.' || name], tags['param.' || name], tags['tag.' || name]);
CREATE OR REPLACE TEMP MACRO job_number(tags, name) AS list_filter([coalesce(
    try_cast(tags[name] AS DOUBLE),
    try_cast(tags['metric.' || name] AS DOUBLE),
    try_cast(tags['param.' || name] AS DOUBLE),
    try_cast(tags['tag.' || name] AS DOUBLE))], lambda v: isfinite(v))[1];
