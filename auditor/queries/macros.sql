-- Scalar macros every connection defines (auditor.gpu.define_macros).
-- gpu_key(text): one key per GPU family, whatever the spelling:
--   'a100', 'A100-SXM4-80GB', 'NVIDIA A100 80GB PCIe', 'nvidia_a100-sxm4-80gb' -> 'a100'
--   'TITAN X (Pascal)' -> 'titanx', 'RTX A6000' -> 'rtxa6000', '2 x NVIDIA RTX A6000' -> 'rtxa6000'
--   'GeForce GTX 1080 Ti' -> 'gtx1080ti', 'TPU v3' -> 'tpuv3'. Empty or NULL -> NULL.
CREATE OR REPLACE MACRO gpu_key_tokens(x) AS list_filter(
    string_split(trim(regexp_replace(
        regexp_replace(
            regexp_replace(lower(x), '^\s*\d+\s*x\s+', ''),
            '[^a-z0-9.]+', ' ', 'g'),
        '\b(nvidia|tesla|geforce|quadro|amd|instinct|radeon|graphics|google)\b', ' ', 'g')), ' '),
    lambda t: t <> '');
CREATE OR REPLACE MACRO gpu_key_join(t) AS CASE
    WHEN len(t) = 0 THEN NULL
    WHEN t[1] IN ('rtx', 'gtx', 'titan', 'tpu') AND len(t) >= 2 THEN
        t[1] || t[2] || CASE WHEN len(t) >= 3 AND t[3] IN ('ti', 'super', 'xp') THEN t[3] ELSE '' END
    WHEN t[1] ~ '^(rtx|gtx)\d+$' AND len(t) >= 2 AND t[2] IN ('ti', 'super') THEN t[1] || t[2]
    ELSE t[1]
END;
-- 'GeForce GTX TITAN X' names the Titan family, not a GTX model
CREATE OR REPLACE MACRO gpu_key_untitled(t) AS
    CASE WHEN len(t) >= 2 AND t[1] IN ('gtx', 'rtx') AND t[2] = 'titan' THEN t[2:] ELSE t END;
-- Each step binds its input once through a one-element list: a macro argument used n times
-- is expanded n times, and nested they would repeat the regular expressions dozens of times.
CREATE OR REPLACE MACRO gpu_key(x) AS list_transform(
    list_transform([gpu_key_tokens(x)], lambda t: gpu_key_untitled(t)),
    lambda u: gpu_key_join(u))[1];

-- clock_seconds(d, parts): seconds of a clock duration split as days d (NULL for none) and
-- parts, the "HH:MM:SS" or "MM:SS" fields; NULL when the fields are neither.
CREATE OR REPLACE MACRO clock_seconds(d, parts) AS
    coalesce(try_cast(d AS DOUBLE), 0) * 86400 + CASE len(parts)
        WHEN 3 THEN try_cast(parts[1] AS DOUBLE) * 3600 + try_cast(parts[2] AS DOUBLE) * 60
                    + try_cast(parts[3] AS DOUBLE)
        WHEN 2 THEN try_cast(parts[1] AS DOUBLE) * 60 + try_cast(parts[2] AS DOUBLE)
    END;
