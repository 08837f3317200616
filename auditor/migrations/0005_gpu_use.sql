-- What GPUs were used, not just held. gpu_util (0001) stays the time-averaged mean over the
-- job's GPUs, a fraction 0..1; the columns below add what logs give besides a mean, and where
-- each figure came from, so a peak is never taken for a mean:
--   gpu_util_peak  highest utilisation seen, fraction of the job's GPUs (Slurm gres/gpuutil
--                  peak / (100 x GPUs)): a bound on the mean, never a mean
--   gpu_mem_gb     largest GPU memory in use, summed over the job's GPUs, GiB
--   gpu_util_from, gpu_peak_from, gpu_mem_from   the log each came from ('jobstats',
--                  'sacct TRESUsageInMax', 'mlflow system metrics', 'csv gpu_util', ...)
ALTER TABLE jobs ADD COLUMN gpu_util_peak DOUBLE;
ALTER TABLE jobs ADD COLUMN gpu_mem_gb DOUBLE;
ALTER TABLE jobs ADD COLUMN gpu_util_from VARCHAR;
ALTER TABLE jobs ADD COLUMN gpu_peak_from VARCHAR;
ALTER TABLE jobs ADD COLUMN gpu_mem_from VARCHAR;
ALTER TABLE jobs_replaced ADD COLUMN gpu_util_peak DOUBLE;
ALTER TABLE jobs_replaced ADD COLUMN gpu_mem_gb DOUBLE;
ALTER TABLE jobs_replaced ADD COLUMN gpu_util_from VARCHAR;
ALTER TABLE jobs_replaced ADD COLUMN gpu_peak_from VARCHAR;
ALTER TABLE jobs_replaced ADD COLUMN gpu_mem_from VARCHAR;
