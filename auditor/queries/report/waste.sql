-- Returns the GPU time and footprint of the jobs of the temp table `report_base` whose state
-- is one of $states (the states a report counts as waste): jobs, gpu_hours, energy_kwh,
-- co2e_kg, and the same totals over every job of the report (all_*) for the shares.
SELECT
    count(*) FILTER (WHERE list_contains($states, state)) AS jobs,
    coalesce(fsum(gpu_hours) FILTER (WHERE list_contains($states, state)), 0.0) AS gpu_hours,
    fsum(energy_kwh) FILTER (WHERE list_contains($states, state)) AS energy_kwh,
    fsum(co2e_kg) FILTER (WHERE list_contains($states, state)) AS co2e_kg,
    count(*) AS all_jobs,
    coalesce(fsum(gpu_hours), 0.0) AS all_gpu_hours,
    fsum(energy_kwh) AS all_energy_kwh,
    fsum(co2e_kg) AS all_co2e_kg
FROM report_base;
