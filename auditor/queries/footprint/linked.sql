-- Returns one row, one column: whether any MLflow run is linked to a Slurm job. Without a
-- link counted_jobs holds the rows of the jobs table, which is cheaper to read.
SELECT EXISTS (FROM mlflow_slurm_links);
