-- Temp macros of the report's groupings (report/sections.sql, report/top_sweeps.sql).
-- group_figures(...): an aggregate, a group's figures as a struct, from its jobs' columns of
-- the temp view `report_base` of the same names: jobs, gpu_hours, measured_energy_kwh, the
-- range of grid intensity and PUE over the jobs that used energy (carbon_min|max_g_per_kwh,
-- pue_min|max), the first and last month, embodied_kg, water_l and owned_cost_usd (each NULL
-- when one of the group's jobs has none: a partial sum would mislead), co2e_total_kg
-- (co2e_kg + embodied_kg) and `sums`, the footprint as summaries add it (footprint_sums,
-- footprint/macros.sql); a query shows its fields with `* EXCLUDE (sums), sums.*`.
CREATE OR REPLACE TEMP MACRO group_figures(
    gpu_hours, measured_energy_kwh, energy_kwh, co2e_kg, cloud_cost_usd_low,
    cloud_cost_usd_high, price_missing, electricity_cost_usd, carbon_g_per_kwh, pue, month,
    embodied_kg, water_l, water_missing, owned_cost_usd, owned_missing
) AS {
    'jobs': count(*),
    'gpu_hours': coalesce(fsum(gpu_hours), 0.0),
    'measured_energy_kwh': fsum(measured_energy_kwh),
    'carbon_min_g_per_kwh': min(carbon_g_per_kwh) FILTER (WHERE energy_kwh > 0),
    'carbon_max_g_per_kwh': max(carbon_g_per_kwh) FILTER (WHERE energy_kwh > 0),
    'pue_min': min(pue) FILTER (WHERE energy_kwh > 0),
    'pue_max': max(pue) FILTER (WHERE energy_kwh > 0),
    'first_month': min(month),
    'last_month': max(month),
    'embodied_kg': fsum(embodied_kg),
    'water_l': priced_sum(water_l, water_missing),
    'owned_cost_usd': priced_sum(owned_cost_usd, owned_missing),
    'co2e_total_kg': fsum(co2e_kg) + fsum(embodied_kg),
    'sums': footprint_sums(energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high,
        price_missing, electricity_cost_usd, measured_energy_kwh)
};
