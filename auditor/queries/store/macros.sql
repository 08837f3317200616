-- Scalar macros every connection defines (auditor.sql.define_macros).
-- gpu_key(text): one key per GPU family, whatever the spelling (sacct gres types, NVML and
-- rocm-smi names, MLflow params, codecarbon's gpu_model):
--   'a100', 'A100-SXM4-80GB', 'NVIDIA A100 80GB PCIe', 'nvidia_a100-sxm4-80gb' -> 'a100'
--   'TITAN X (Pascal)' -> 'titanx', 'RTX A6000' -> 'rtxa6000', '2 x NVIDIA RTX A6000' -> 'rtxa6000'
--   'GeForce GTX 1080 Ti' -> 'gtx1080ti', 'TPU v3' -> 'tpuv3', 'HL-225' -> 'gaudi2',
--   'Quadro RTX 6000' -> 'rtx6000' but 'NVIDIA RTX 6000 Ada Generation' -> 'rtx6000ada'.
-- A MIG slice is PARENT:PROFILE ('nvidia_a100_3g.20gb' -> 'a100:3g.20gb'), or the bare
-- profile when the name gives no parent ('1g.10gb'); see gpu_slices.
-- Several models in one name (codecarbon writes "1 x NAME1 x NAME", no separator) are the
-- sorted keys joined by '+', each with its count when above one: 'rtx3080ti+rtx4060',
-- '2*a100+t4'; see gpu_cards. Empty or NULL -> NULL.
CREATE OR REPLACE MACRO gpu_key_tokens(x) AS list_filter(
    string_split(trim(regexp_replace(
        regexp_replace(
            regexp_replace(
                regexp_replace(lower(x), '^\s*\d+\s*x\s+', ''),
                '(\d+c\.)?[1-7]g\.\d+gb(\+me)?', ' ', 'g'),
            '[^a-z0-9.]+', ' ', 'g'),
        '\b(nvidia|tesla|geforce|quadro|amd|instinct|radeon|graphics|google|intel|r|tm|data|center|gpu|habana|labs|mig|generation|sff|edition|collectors)\b',
        ' ', 'g')), ' '),
    lambda t: t <> '');
-- the first token, respelt where sacct types and clusters shorten a name: 'a6000' is the
-- RTX A6000, '2080ti' a GeForce RTX, 'k40m' a K40, 'v100l' (32 GB) a V100
CREATE OR REPLACE MACRO gpu_key_head(h) AS CASE
    WHEN h ~ '^a(2000|4000|4500|5000|5500|6000)$' THEN 'rtx' || h
    WHEN h ~ '^(10[5-8]0|16[56]0)(ti|super)?$' THEN 'gtx' || h
    WHEN h ~ '^[2-5]0[5-9]0(ti|super)*$' THEN 'rtx' || h
    WHEN h ~ '^k(10|20|40|80)[a-z]+$' THEN regexp_extract(h, '^k\d+')
    WHEN h ~ '^[pva]100l$' THEN left(h, 4)
    WHEN h = 'trillium' THEN 'tpuv6e'
    ELSE h
END;
CREATE OR REPLACE MACRO gpu_key_join(t) AS CASE
    WHEN len(t) = 0 THEN NULL
    -- Gaudi as hl-smi names it: HL-205 (Gaudi), HL-225 (Gaudi 2), HL-325L/HL-338 (Gaudi 3)
    WHEN t[1] = 'hl' AND len(t) >= 2 THEN CASE
        WHEN t[2] ~ '^20' THEN 'gaudi' WHEN t[2] ~ '^22' THEN 'gaudi2'
        WHEN t[2] ~ '^3' THEN 'gaudi3' ELSE 'hl' || t[2] END
    WHEN t[1] IN ('gaudi', 'max') AND len(t) >= 2 AND t[2] ~ '^\d+$' THEN t[1] || t[2]
    WHEN t[1] IN ('rtx', 'gtx', 'titan', 'tpu') AND len(t) >= 2 THEN
        t[1] || t[2]
        || CASE WHEN len(t) >= 3 AND t[3] IN ('ti', 'super', 'xp', 'ada') THEN t[3] ELSE '' END
        || CASE WHEN len(t) >= 4 AND t[3] IN ('ti', 'super') AND t[4] IN ('ti', 'super')
            THEN t[4] ELSE '' END
    WHEN gpu_key_head(t[1]) ~ '^(rtx|gtx)\d+$' AND len(t) >= 2 AND t[2] IN ('ti', 'super', 'ada')
        THEN gpu_key_head(t[1]) || t[2]
            || CASE WHEN len(t) >= 3 AND t[2] = 'ti' AND t[3] = 'super' THEN t[3] ELSE '' END
    ELSE gpu_key_head(t[1])
END;
-- 'GeForce GTX TITAN X' names the Titan family, not a GTX model; 'RTX A6000' has the
-- prefix twice once respelt
CREATE OR REPLACE MACRO gpu_key_untitled(t) AS
    CASE WHEN len(t) >= 2 AND t[1] IN ('gtx', 'rtx') AND t[2] = 'titan' THEN t[2:] ELSE t END;
-- gpu_slice(x): the MIG profile a name holds ('3g.20gb' of 'nvidia_a100_3g.20gb',
-- 'NVIDIA A100-SXM4-40GB MIG 3g.20gb', '1c.3g.20gb'), else NULL
CREATE OR REPLACE MACRO gpu_slice(x) AS
    nullif(regexp_extract(lower(x), '[1-7]g\.\d+gb', 0), '');
-- gpu_key_one(x): the key of a name of one model. Each step binds its input once through a
-- one-element list: a macro argument used n times is expanded n times, and nested they would
-- repeat the regular expressions dozens of times.
CREATE OR REPLACE MACRO gpu_key_one(x) AS list_transform(
    [{'parent': list_transform(
        list_transform([gpu_key_tokens(x)], lambda t: gpu_key_untitled(t)),
        lambda u: gpu_key_join(u))[1],
      'slice': gpu_slice(x)}],
    lambda k: CASE WHEN k.slice IS NULL THEN k.parent WHEN k.parent IS NULL THEN k.slice
        ELSE k.parent || ':' || k.slice END)[1];
-- gpu_cards(x): the models a name lists, as [{n, name}], or NULL for a name of one model.
-- codecarbon joins "N x NAME" with no separator, so the count of every card but the first
-- is glued to the name before it ("RTX 40601 x ...", "RTX A60001 x ...") and is read as its
-- last digit: 10 or more of one model beside another model is not expected on one machine.
-- A key of several ('2*a100+t4') reads back as its cards.
CREATE OR REPLACE MACRO gpu_cards_text(x) AS CASE
    WHEN regexp_matches(x, '^\s*\d+\s*x\s.*\d\s*x\s') THEN string_split(
        regexp_replace(regexp_replace(trim(x),
            '^(\d+)\s*x\s+', '\1' || chr(31)),
            '(\d)\s*x ', chr(30) || '\1' || chr(31), 'g'),
        chr(30))
    WHEN contains(regexp_replace(x, '\+me\b', '', 'g'), '+') THEN list_transform(
        string_split(x, '+'),
        lambda e: CASE WHEN e ~ '^\s*\d+\*.*' THEN regexp_replace(e, '^\s*(\d+)\*', '\1' || chr(31))
            ELSE '1' || chr(31) || e END)
END;
CREATE OR REPLACE MACRO gpu_cards(x) AS list_transform(gpu_cards_text(x), lambda e: {
    'n': try_cast(split_part(e, chr(31), 1) AS INTEGER),
    'key': gpu_key_one(split_part(e, chr(31), 2))});
-- the sorted distinct keys of cards with their summed counts, as one key
CREATE OR REPLACE MACRO gpu_key_list(cs) AS list_transform(
    [list_sort(list_distinct(list_transform(cs, lambda c: c.key)))], lambda ks: CASE
        WHEN len(cs) = 0 OR list_bool_or(list_transform(cs, lambda c: c.key IS NULL OR c.n IS NULL))
            THEN NULL
        WHEN len(ks) = 1 THEN ks[1]
        ELSE array_to_string(list_transform(ks, lambda k: list_transform(
            [list_sum(list_transform(list_filter(cs, lambda c: c.key = k), lambda c: c.n))],
            lambda n: CASE WHEN n > 1 THEN n || '*' || k ELSE k END)[1]), '+')
    END)[1];
CREATE OR REPLACE MACRO gpu_key(x) AS list_transform([gpu_cards(x)], lambda cs:
    CASE WHEN cs IS NULL THEN gpu_key_one(x) ELSE gpu_key_list(cs) END)[1];
-- gpu_card_count(x): the GPUs a codecarbon-style name counts ('1 x A1 x B' -> 2), else NULL
CREATE OR REPLACE MACRO gpu_card_count(x) AS CASE
    WHEN regexp_matches(x, '^\s*\d+\s*x\s') THEN coalesce(
        list_sum(list_transform(gpu_cards(x), lambda c: c.n)),
        try_cast(regexp_extract(x, '^\s*(\d+)\s*x\s', 1) AS INTEGER))
END;
-- gpu_slices(key): g of a MIG key ('a100:3g.20gb' -> 3), else NULL; gpu_fraction(key): the
-- share of the parent GPU a device of that key is, g/7 (g/4 on the A30, whose profiles
-- 1g.6gb, 2g.12gb and 4g.24gb no other GPU has), 1.0 for a whole GPU
-- (a key of several models is never a slice: a slice among them has no power of its own)
CREATE OR REPLACE MACRO gpu_slices(k) AS CASE WHEN NOT contains(k, '+') THEN
    try_cast(nullif(regexp_extract(k, '([1-7])g\.\d+gb$', 1), '') AS INTEGER) END;
CREATE OR REPLACE MACRO gpu_fraction(k) AS coalesce(gpu_slices(k) / CASE
    WHEN k ~ '(^a30:|(^|:)(1g\.6gb|2g\.12gb|4g\.24gb)$)' THEN 4.0 ELSE 7.0 END, 1.0);
-- gpu_parent(key): the GPU a key names without its MIG profile ('a100:3g.20gb' -> 'a100',
-- '1g.10gb' -> NULL, 'a100' -> 'a100')
CREATE OR REPLACE MACRO gpu_parent(k) AS CASE
    WHEN gpu_slices(k) IS NULL THEN k
    ELSE nullif(regexp_replace(k, ':?[1-7]g\.\d+gb$', ''), '')
END;

-- group_store(source, src_file, cluster): where a sweep or run lives, as summary/group_names.sql names
-- it: an MLflow store by its URI (two stores may share a short name), else the job's cluster.
CREATE OR REPLACE MACRO group_store(source, src_file, cluster) AS
    CASE WHEN source = 'mlflow' THEN src_file ELSE cluster END;
-- run_ident(source, job_id): what tells two runs of one name apart: an MLflow run's id; a Slurm
-- or CSV run is its name (a requeued job stays one run).
CREATE OR REPLACE MACRO run_ident(source, job_id) AS
    CASE WHEN source = 'mlflow' THEN job_id ELSE '' END;

-- clock_seconds(d, parts): seconds of a clock duration split as days d (NULL for none) and
-- parts, the "HH:MM:SS" or "MM:SS" fields; NULL when the fields are neither.
CREATE OR REPLACE MACRO clock_seconds(d, parts) AS
    coalesce(try_cast(d AS DOUBLE), 0) * 86400 + CASE len(parts)
        WHEN 3 THEN try_cast(parts[1] AS DOUBLE) * 3600 + try_cast(parts[2] AS DOUBLE) * 60
                    + try_cast(parts[3] AS DOUBLE)
        WHEN 2 THEN try_cast(parts[1] AS DOUBLE) * 60 + try_cast(parts[2] AS DOUBLE)
    END;
