-- Returns the family key of the GPU model name $name (gpu_key, macros.sql).
SELECT gpu_key($name)
