-- Returns the family key of the GPU model name $name (gpu_key, store/macros.sql).
SELECT gpu_key($name)
