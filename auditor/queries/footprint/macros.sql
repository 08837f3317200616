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
-- gpu_use_sums(gpu_hours, gpu_util_mean, idle_below): an aggregate, how a group used its
-- GPUs, as a struct: gpu_util (the mean weighted by GPU-hours, over the jobs that have one),
-- util_coverage (the share of the GPU-hours that have a mean), idle_gpu_hours (of the jobs
-- whose mean is below idle_below) and unused_gpu_hours (gpu_hours x (1 - mean), over the jobs
-- that have one). Weighted by GPU-hours as logged (a MIG slice's mean is its slice's), so
-- that unused_gpu_hours = covered GPU-hours x (1 - gpu_util).
CREATE OR REPLACE TEMP MACRO gpu_use_sums(gpu_hours, gpu_util_mean, idle_below) AS {
    'gpu_util': fsum(CASE WHEN gpu_util_mean IS NOT NULL THEN gpu_hours * gpu_util_mean END)
        / nullif(fsum(CASE WHEN gpu_util_mean IS NOT NULL THEN gpu_hours END), 0),
    'util_coverage': coalesce(fsum(CASE WHEN gpu_util_mean IS NOT NULL THEN gpu_hours END), 0)
        / nullif(fsum(gpu_hours), 0),
    'idle_gpu_hours': coalesce(fsum(CASE WHEN gpu_util_mean < idle_below THEN gpu_hours END), 0),
    'unused_gpu_hours': coalesce(fsum(gpu_hours * (1 - gpu_util_mean)), 0)
};
-- waste_sums(gpu_util_mean, idle_below, energy_kwh, co2e_kg, cloud_cost_usd_low,
-- cloud_cost_usd_high, price_missing): an aggregate, the footprint of a group's idle and
-- unused GPU-hours as a struct: idle_* the whole footprint of its idle jobs (mean below
-- idle_below), unused_* the share (1 - mean) of each job's footprint that has a mean. A
-- cloud cost is NULL when one of the jobs it adds has no price, as priced_sum.
CREATE OR REPLACE TEMP MACRO waste_sums(
    gpu_util_mean, idle_below, energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high,
    price_missing
) AS {
    'idle_energy_kwh': coalesce(fsum(CASE WHEN gpu_util_mean < idle_below THEN energy_kwh END), 0),
    'idle_co2e_kg': coalesce(fsum(CASE WHEN gpu_util_mean < idle_below THEN co2e_kg END), 0),
    'idle_cloud_cost_usd_low': priced_sum(
        CASE WHEN gpu_util_mean < idle_below THEN cloud_cost_usd_low ELSE 0 END,
        price_missing AND gpu_util_mean < idle_below),
    'idle_cloud_cost_usd_high': priced_sum(
        CASE WHEN gpu_util_mean < idle_below THEN cloud_cost_usd_high ELSE 0 END,
        price_missing AND gpu_util_mean < idle_below),
    'unused_energy_kwh': coalesce(fsum(energy_kwh * (1 - gpu_util_mean)), 0),
    'unused_co2e_kg': coalesce(fsum(co2e_kg * (1 - gpu_util_mean)), 0),
    'unused_cloud_cost_usd_low': priced_sum(
        coalesce(cloud_cost_usd_low * (1 - gpu_util_mean), 0),
        price_missing AND gpu_util_mean IS NOT NULL),
    'unused_cloud_cost_usd_high': priced_sum(
        coalesce(cloud_cost_usd_high * (1 - gpu_util_mean), 0),
        price_missing AND gpu_util_mean IS NOT NULL)
};
