"""Settings: defaults, the strubell2019 preset, auditor.toml layered on top, errors naming
the file and key."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from auditor import settings
from auditor.errors import ConfigError, UsageError


def write(tmp_path: Path, text: str, name: str = "auditor.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_defaults_without_any_file(tmp_path: Path) -> None:
    s = settings.load(cwd=tmp_path)
    assert s.config_file is None and s.preset is None
    assert s.site["pue"].value == "global"
    assert s.site["electricity"].value == "US:industrial"
    assert s.site["gpu_use"].value == 1.0 and s.site["cpu_use"].value == "measured"
    assert "carbon" not in s.site  # no grid region is assumed
    assert s.site["pue"].origin.startswith("default")


def test_settings_are_frozen(tmp_path: Path) -> None:
    s = settings.load(cwd=tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.preset = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.site["pue"] = settings.Setting(2.0, "x")  # type: ignore[index]


def test_strubell2019_preset(tmp_path: Path) -> None:
    s = settings.load(preset="strubell2019", cwd=tmp_path)
    assert s.site["pue"].value == 1.58
    assert s.site["carbon"].value == pytest.approx(0.954 * 453.59237)
    assert s.site["electricity"].value == 0.12
    assert s.site["cloud_prices"].value == "gcp-2019"
    assert "strubell2019" in s.site["pue"].origin


def test_config_overrides_preset_key_by_key(tmp_path: Path) -> None:
    write(tmp_path, '[site]\ngrid = "FR"\nelectricity_usd_per_kwh = 0.2\n')
    s = settings.load(preset="strubell2019", cwd=tmp_path)
    assert s.site["pue"].value == 1.58  # from the preset
    assert s.site["carbon"].value == "FR"  # the grid replaces the preset's intensity
    assert s.site["electricity"].value == 0.2
    assert s.site["carbon"].origin == "auditor.toml [site] grid"
    assert s.config_file == "auditor.toml"


def test_explicit_intensity_wins_over_grid_in_one_table(tmp_path: Path) -> None:
    write(tmp_path, '[site]\ncarbon_g_per_kwh = 100\ngrid = "FR"\n')
    assert settings.load(cwd=tmp_path).site["carbon"].value == 100.0


def test_config_option_wins_over_working_directory(tmp_path: Path) -> None:
    write(tmp_path, "[site]\npue = 1.2\n")
    other = write(tmp_path, "[site]\npue = 1.3\n", "other.toml")
    assert settings.load(cwd=tmp_path).site["pue"].value == 1.2
    assert settings.load(config=other, cwd=tmp_path).site["pue"].value == 1.3


def test_clusters_gpus_partitions(tmp_path: Path) -> None:
    write(
        tmp_path,
        "[site]\n"
        'grid = "US"\n'
        "[clusters.narval]\n"
        'grid = "CA"\n'
        "pue = 1.1\n"
        '[gpus."TITAN X"]\n'
        "power_w = 216.96\n"
        'cloud_equivalent = "P100"\n'
        "[partitions.gpu-a100]\n"
        'gpu_model = "A100-SXM4-80GB"\n',
    )
    s = settings.load(cwd=tmp_path)
    assert s.scope("narval")["carbon"].value == "CA"
    assert s.scope("narval")["pue"].value == 1.1
    assert s.scope("other")["carbon"].value == "US"
    assert s.carbon_level("narval") == "cluster" and s.carbon_level("other") == "site"
    titan = s.gpus["titanx"]
    assert titan.name == "TITAN X" and titan.power_w is not None
    assert titan.power_w.value == 216.96
    assert titan.cloud_equivalent is not None and titan.cloud_equivalent.value == "p100"
    assert s.partitions["gpu-a100"].value == "a100"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[site]\npuee = 1.5\n", "auditor.toml: [site] puee: unknown key"),
        ("[site]\npue = 0.5\n", "auditor.toml: [site] pue: expected a number >= 1"),
        ("[site]\npue = 'mars'\n", "auditor.toml: [site] pue: expected"),
        ("[site]\ncarbon_g_per_kwh = -1\n", "[site] carbon_g_per_kwh: expected a number"),
        ("[site]\ncloud_prices = 'gcp-1999'\n", "[site] cloud_prices: expected a price table"),
        ("[site]\ngpu_use = 1.5\n", "[site] gpu_use: expected a fraction"),
        ("[site]\ncpu_model = 'Pentium'\n", "[site] cpu_model: expected a CPU"),
        ("[site]\nelectricity_usd_per_kwh = 'XX:home'\n", "electricity_usd_per_kwh: expected"),
        (
            "[site]\ncpu_power_w_per_core = 4\ncpu_model = 'AMD EPYC 7742'\n",
            "sets both cpu_power_w_per_core and cpu_model",
        ),
        ("[sites]\npue = 1.5\n", "auditor.toml: [sites]: unknown table"),
        ("[clusters.a]\nwatts = 3\n", "auditor.toml: [clusters.a] watts: unknown key"),
        ('[gpus."A100"]\npower_w = "lots"\n', '[gpus."A100"] power_w: expected a number'),
        ('[gpus."A100"]\ntdp = 400\n', '[gpus."A100"] tdp: unknown key'),
        ('[gpus."A100"]\npower_w = 1\n[gpus."a100-sxm4"]\npower_w = 2\n', "same GPU family"),
        ("[partitions.gpu]\ngpu_model = 3\n", "[partitions.gpu] gpu_model: expected"),
        ("[site\npue = 1\n", "auditor.toml:1: not valid TOML: Expected ']'"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        settings.load(cwd=tmp_path)
    assert message in str(caught.value)


def test_a_config_not_in_utf8_is_refused(tmp_path: Path) -> None:
    (tmp_path / "auditor.toml").write_bytes(
        "[site]\n# \u00e9t\u00e9\npue = 1.5\n".encode("latin-1")
    )
    with pytest.raises(ConfigError, match=r"auditor\.toml: not UTF-8 text \(byte 10\)"):
        settings.load(cwd=tmp_path)


def test_missing_config_file_and_unknown_preset(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: no such config file"):
        settings.load(config=tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match=r"unknown preset 'paper'\. Try one of: strubell2019"):
        settings.load(preset="paper", cwd=tmp_path)


def test_negative_defaults_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--default-gpu-power"):
        settings.load(default_gpu_power_w=-1, cwd=tmp_path)


@pytest.mark.parametrize(
    ("written", "table_name"),
    [
        ("Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "Intel Xeon Gold 6248"),  # codecarbon's
        ("intel xeon gold 6248r", "Intel Xeon Gold 6248R"),
        ("AMD EPYC 7443 24-Core Processor", "AMD EPYC 7443"),
        ("Intel® Xeon® Platinum 8480+ Processor", "Intel Xeon Platinum 8480+"),
        ("  AMD  EPYC 7742 64-Core Processor ", "AMD EPYC 7742"),
    ],
)
def test_cpu_model_spellings_find_their_table_row(
    tmp_path: Path, written: str, table_name: str
) -> None:
    write(tmp_path, f'[site]\ncpu_model = "{written}"\n')
    s = settings.load(cwd=tmp_path)
    assert s.site["cpu_power"].value == table_name


def test_a_cpu_model_that_only_shares_a_prefix_is_not_taken(tmp_path: Path) -> None:
    write(tmp_path, '[site]\ncpu_model = "Intel Xeon Gold 624"\n')
    with pytest.raises(ConfigError, match="cpu_model: expected a CPU"):
        settings.load(cwd=tmp_path)


def test_scenario_table_wins_over_site_and_clusters(tmp_path: Path) -> None:
    write(
        tmp_path,
        '[site]\npue = 1.5\ngrid = "US"\n[clusters.a]\npue = 1.3\ngrid = "CA"\n'
        '[scenario]\npue = 1.1\ngrid = "FR"\ngpu_model = "H100"\n',
    )
    s = settings.load(cwd=tmp_path)
    for cluster in (None, "a", "b"):
        scope = s.scope(cluster)
        assert (scope["pue"].value, scope["carbon"].value) == (1.1, "FR")
        assert scope["gpu_model"].value == "h100"
        assert s.carbon_level(cluster) == "scenario"
    assert s.scope("a")["pue"].origin == "auditor.toml [scenario] pue"


def test_scenario_table_checks_its_keys(tmp_path: Path) -> None:
    write(tmp_path, "[scenario]\nspeedup = 2\n")
    with pytest.raises(ConfigError, match=r"auditor.toml: \[scenario\] speedup: unknown key"):
        settings.load(cwd=tmp_path)


def test_layer_lays_a_file_over_settings_key_by_key(tmp_path: Path) -> None:
    write(tmp_path, '[site]\npue = 1.5\ngrid = "US"\n[clusters.a]\npue = 1.3\ngrid = "CA"\n')
    over = write(tmp_path, "[site]\ncarbon_g_per_kwh = 20\n[clusters.a]\npue = 1.2\n", "over.toml")
    base = settings.load(cwd=tmp_path)
    s = settings.layer(base, config=over)
    assert s.site["pue"].value == 1.5 and s.site["carbon"].value == 20.0
    assert s.clusters["a"]["pue"].value == 1.2 and s.clusters["a"]["carbon"].value == "CA"
    assert s.config_file == str(over) and base.clusters["a"]["pue"].value == 1.3


def test_layer_lays_a_preset_over_the_site(tmp_path: Path) -> None:
    write(tmp_path, "[site]\npue = 1.2\nmem_w_per_gb = 0.5\n[clusters.a]\npue = 1.3\n")
    s = settings.layer(settings.load(cwd=tmp_path), preset="strubell2019")
    assert s.site["pue"].value == 1.58 and s.site["mem_w_per_gb"].value == 0.5
    assert s.scope("a")["pue"].value == 1.3  # a cluster's own table still wins over [site]
    assert s.preset == "strubell2019" and s.config_file == "auditor.toml"
    with pytest.raises(ConfigError, match="unknown preset 'x'"):
        settings.layer(s, preset="x")
