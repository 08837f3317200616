"""Footprint settings: defaults, a preset and an ``auditor.toml``, resolved once, then frozen.

Layers, later wins key by key: built-in defaults, ``--preset NAME``, the config file
(``--config FILE``, else ``auditor.toml`` in the working directory if there is one). Inside a
file, ``[clusters.NAME]`` overrides ``[site]`` for that cluster's jobs, and ``[scenario]``
overrides both for every job, and what its log says too: its ``grid`` beats a logged grid
region, its ``gpu_model`` replaces a logged GPU model (a what-if of ``auditor compare``).
``layer`` lays a preset or a file over settings already resolved, key by key.

``grid`` and ``carbon_g_per_kwh`` are one setting (where the intensity comes from): a later
layer that sets either replaces both; inside one table ``carbon_g_per_kwh`` wins. The same holds
for ``cpu_power_w_per_core`` and ``cpu_model``, which may not both appear in one table.

Raises ``ConfigError`` naming the file and key for anything it cannot use.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from auditor import factor_tables as factors
from auditor.errors import ConfigError, UsageError
from auditor.gpu import gpu_key

CONFIG_NAME = "auditor.toml"
G_PER_LB = 453.59237

Value = float | str
# cpu_use: the log's measured CPU use (TotalCPU / (elapsed x CPUs)) where it has one
MEASURED = "measured"
MEM_BASES = ("allocated", "requested", "used")
# where a job's grid intensity comes from: its zone's series over its run, or the annual table
INTENSITY_SOURCES = ("series", "annual")
INTENSITY_KINDS = ("average", "marginal")
INTENSITY_BASES = ("lifecycle", "direct")


@dataclass(frozen=True)
class Setting:
    """One value in force and where it came from."""

    value: Value
    origin: str
    as_of: str | None = None


@dataclass(frozen=True)
class GpuSetting:
    """A ``[gpus."NAME"]`` table: the name as written, and what it sets."""

    name: str
    power_w: Setting | None = None
    cloud_equivalent: Setting | None = None  # value: a gpu_key
    idle_power_w: Setting | None = None
    embodied_kg: Setting | None = None  # replaces gpu_kg for this model


# Embodied emissions: per GPU-hour (server_kg / gpus_per_server + gpu_kg) / (lifetime_years x
# 8760 x lifetime_use); per core-hour of a CPU-only job cpu_server_kg / cores_per_server / the
# same. Unset, they come from the embodied factor table (footprint/classes.sql).
EMBODIED_KEYS = (
    "gpu_kg",
    "server_kg",
    "gpus_per_server",
    "lifetime_years",
    "lifetime_use",
    "cpu_server_kg",
    "cores_per_server",
)
# Owned hardware: per GPU-hour server_usd / gpus_per_server / (lifetime_years x 8760 x
# lifetime_use), per core-hour of a CPU-only job cpu_server_usd / cores_per_server / the same:
# the servers of the embodied keys, with their one life. No table gives a price: unset, a
# job's owned_cost_usd is blank.
OWNED_KEYS = ("server_usd", "cpu_server_usd")

# Logical setting names, in display order.
SCOPE_KEYS = (
    "pue",
    "carbon",
    "electricity",
    "cloud_prices",
    "gpu_use",
    "cpu_use",
    "cpu_power",
    "mem_w_per_gb",
    "mem_basis",
    "gpu_model",
    "idle_below",
    "wue",
    "ewif",
    *EMBODIED_KEYS,
    *OWNED_KEYS,
    "intensity",
    "intensity_kind",
    "intensity_basis",
)

DEFAULTS: Mapping[str, Setting] = MappingProxyType(
    {
        "pue": Setting("global", "default: global average PUE of the job's year"),
        # the price of the job's grid zone wins over it (footprint/classes.sql)
        "electricity": Setting(
            "US:industrial",
            "default: the industrial price of the job's grid zone, else the US's, of the "
            "job's year",
        ),
        "cloud_prices": Setting(
            "cloud-2026",
            "default: Google Cloud 2026-07 where it rents the GPU, else AWS or Azure about 2024",
        ),
        "gpu_use": Setting(1.0, "default: full use where none is measured"),
        "cpu_use": Setting(MEASURED, "default: measured where the log has it, else full use"),
        "cpu_power": Setting("any", "default: power per core of an unknown CPU"),
        "mem_w_per_gb": Setting("default", "default: power per GB of memory"),
        "mem_basis": Setting("allocated", "default: the memory allocated to the job"),
        "idle_below": Setting(
            0.05, "default: a job whose GPUs' mean use is below 5 % holds them idle"
        ),
        "wue": Setting("li2023-us", "default: the wue table's li2023-us, US data centres"),
        "intensity": Setting(
            "series",
            "default: the series of the job's grid zone over its run where one is stored, "
            "else the annual factor",
        ),
        # attribution wants average emissions; marginal ones answer what shifting load saves
        "intensity_kind": Setting("average", "default: average intensity series"),
        # the annual tables are life-cycle figures: a series on the same basis blends with them
        "intensity_basis": Setting("lifecycle", "default: life-cycle series, as the annual tables"),
    }
)

_PAPER = "Strubell, Ganesh & McCallum 2019"
PRESETS: Mapping[str, Mapping[str, Setting]] = MappingProxyType(
    {
        "strubell2019": MappingProxyType(
            {
                "pue": Setting(
                    1.58, f"preset strubell2019: {_PAPER}, 2018 global average (Uptime)", "2019"
                ),
                "carbon": Setting(
                    0.954 * G_PER_LB,
                    f"preset strubell2019: {_PAPER}, 0.954 lb CO2e/kWh US average (EPA)",
                    "2019",
                ),
                "electricity": Setting(
                    0.12, f"preset strubell2019: {_PAPER}, US average 0.12 USD/kWh", "2019"
                ),
                "cloud_prices": Setting(
                    "gcp-2019", f"preset strubell2019: {_PAPER}, Google Cloud 2019 prices", "2019"
                ),
                # the paper prices buying the servers: an 8 x GTX 1080 Ti server (sec. 4.2);
                # its life stays the embodied one, which the purchase view does not use
                "server_usd": Setting(
                    20000.0,
                    f"preset strubell2019: {_PAPER}, sec. 4.2: an 8 x GTX 1080 Ti server "
                    "about 20,000 USD",
                    "2019",
                ),
                "gpus_per_server": Setting(
                    8.0, f"preset strubell2019: {_PAPER}, sec. 4.2: 8 GPUs per server", "2019"
                ),
                # the preset's grid is the US average, so its water is the US's
                "ewif": Setting(
                    3.14,
                    "preset strubell2019: US average water per kWh generated, Li, Yang, Islam "
                    "& Ren 2023 [M], for the preset's US-average grid",
                    "2023",
                ),
            }
        )
    }
)


@dataclass(frozen=True)
class Settings:
    """Everything the footprint model needs besides the factor tables. Build with ``load``."""

    site: Mapping[str, Setting]
    clusters: Mapping[str, Mapping[str, Setting]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    gpus: Mapping[str, GpuSetting] = field(default_factory=lambda: MappingProxyType({}))
    partitions: Mapping[str, Setting] = field(default_factory=lambda: MappingProxyType({}))
    # [scenario]: wins over [site], every [clusters.NAME] and the job log's grid and GPU model
    scenario: Mapping[str, Setting] = field(default_factory=lambda: MappingProxyType({}))
    default_gpu_power_w: float | None = None
    default_carbon_g_per_kwh: float | None = None
    preset: str | None = None
    config_file: str | None = None

    @property
    def configured(self) -> bool:
        """Whether anything asked for a footprint: a preset, a config file or a default."""
        return any(
            x is not None
            for x in (
                self.preset,
                self.config_file,
                self.default_gpu_power_w,
                self.default_carbon_g_per_kwh,
            )
        )

    @property
    def origin(self) -> str:
        """Where these settings came from, as a report prints it: 'preset strubell2019,
        config auditor.toml', or 'none'."""
        parts = []
        if self.preset:
            parts.append(f"preset {self.preset}")
        if self.config_file:
            parts.append(f"config {Path(self.config_file).name}")
        if self.default_gpu_power_w is not None:
            parts.append(f"--default-gpu-power {self.default_gpu_power_w:g}")
        if self.default_carbon_g_per_kwh is not None:
            parts.append(f"--default-carbon {self.default_carbon_g_per_kwh:g}")
        return ", ".join(parts) if parts else "none"

    def scope(self, cluster: str | None = None) -> dict[str, Setting]:
        """Settings in force for a cluster's jobs (the site's when it has no table)."""
        merged = dict(self.site)
        if cluster is not None:
            merged.update(self.clusters.get(cluster, {}))
        merged.update(self.scenario)
        return merged

    def carbon_level(self, cluster: str | None) -> str | None:
        """Which table set the intensity for ``cluster``: 'scenario', 'cluster', 'site' or
        None."""
        if "carbon" in self.scenario:
            return "scenario"
        if cluster is not None and "carbon" in self.clusters.get(cluster, {}):
            return "cluster"
        return "site" if "carbon" in self.site else None


# -- reading a config file -------------------------------------------------------------------


def _number(
    low: float, high: float | None = None, *, low_open: bool = False
) -> Callable[[Any], float | None]:
    def check(v: Any) -> float | None:
        if isinstance(v, bool) or not isinstance(v, int | float):
            return None
        x = float(v)
        if x < low or (low_open and x == low) or (high is not None and x > high):
            return None
        return x

    return check


def _known(table: str, column: str) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if isinstance(v, str) and v.strip().lower() in factors.keys(table, column):
            return v.strip()
        return None

    return check


def _text(v: Any) -> str | None:
    return v.strip() if isinstance(v, str) and v.strip() else None


def _one_of(*words: str) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if isinstance(v, str) and v.strip().lower() in words:
            return v.strip().lower()
        return None

    return check


def _electricity_key(v: Any) -> str | None:
    if not isinstance(v, str):
        return None
    zone, _, sector = v.strip().partition(":")
    table = factors.load("electricity_price")
    pairs = {
        (z.lower(), s.lower())
        for z, s in zip(
            table.column("zone").to_pylist(), table.column("sector").to_pylist(), strict=True
        )
    }
    return v.strip() if (zone.lower(), sector.lower()) in pairs else None


def _cpu_model(v: Any) -> str | None:
    return factors.cpu_name(v) if isinstance(v, str) else None


def _gpu_name(v: Any) -> str | None:
    return gpu_key(v) if isinstance(v, str) else None


def _either(*checks: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        for c in checks:
            out = c(v)
            if out is not None:
                return out
        return None

    return check


# TOML key -> (logical key, check, what is expected)
_SCOPE_TOML: dict[str, tuple[str, Callable[[Any], Any], str]] = {
    "pue": (
        "pue",
        _either(_number(1.0), _known("pue", "key")),
        "a number >= 1, or a key of the pue table (global, gcp, aws, azure)",
    ),
    "grid": ("carbon", _text, 'a grid region such as "US", "CAMX" or "gcp:us-central1"'),
    "carbon_g_per_kwh": ("carbon", _number(0.0), "a number of g CO2e per kWh, >= 0"),
    "electricity_usd_per_kwh": (
        "electricity",
        _either(_number(0.0), _electricity_key),
        "a number of USD per kWh, or ZONE:SECTOR of the electricity_price table "
        '(e.g. "US:industrial")',
    ),
    "cloud_prices": (
        "cloud_prices",
        _known("gpu_prices", "prices"),
        "a price table: cloud-2026, gcp-2019, gcp-2026-07, aws-2024 or azure-2024",
    ),
    "gpu_use": ("gpu_use", _number(0.0, 1.0), "a fraction between 0 and 1"),
    "cpu_use": (
        "cpu_use",
        _either(_number(0.0, 1.0), _one_of(MEASURED)),
        f'"{MEASURED}" (the log\'s CPU time where it has one, else full use), or a fraction '
        "between 0 and 1 for every job",
    ),
    "cpu_power_w_per_core": ("cpu_power", _number(0.0, low_open=True), "a number of W, > 0"),
    "cpu_model": (
        "cpu_power",
        _cpu_model,
        "a CPU of the cpu_power table (see 'auditor factors --table cpu_power')",
    ),
    "mem_w_per_gb": ("mem_w_per_gb", _number(0.0), "a number of W per GB, >= 0"),
    "mem_basis": (
        "mem_basis",
        _one_of(*MEM_BASES),
        "allocated (AllocTRES mem), requested (ReqMem) or used (MaxRSS)",
    ),
    "gpu_model": (
        "gpu_model",
        _gpu_name,
        'a GPU model name such as "A100", for jobs whose log and partition name none',
    ),
    "idle_below": (
        "idle_below",
        _number(0.0, 1.0),
        "a fraction between 0 and 1 (a GPU job whose mean use is below it is idle)",
    ),
    "wue_l_per_kwh": (
        "wue",
        _either(_number(0.0), _known("wue", "key")),
        "a number of L of cooling water per kWh of IT energy, >= 0, or a key of the wue "
        "table (li2023-us, meta, microsoft)",
    ),
    "ewif_l_per_kwh": (
        "ewif",
        _number(0.0),
        "a number of L of water per kWh of electricity generated, >= 0",
    ),
    "gpu_kg": ("gpu_kg", _number(0.0), "a number of kg CO2e per GPU, >= 0"),
    "server_kg": ("server_kg", _number(0.0), "a number of kg CO2e per server without GPUs, >= 0"),
    "gpus_per_server": ("gpus_per_server", _number(1.0), "a number of GPUs per server, >= 1"),
    "lifetime_years": ("lifetime_years", _number(0.0, low_open=True), "a number of years, > 0"),
    "lifetime_use": (
        "lifetime_use",
        _number(0.0, 1.0, low_open=True),
        "the fraction of its life the hardware is in use, > 0 and <= 1",
    ),
    "cpu_server_kg": ("cpu_server_kg", _number(0.0), "a number of kg CO2e per CPU server, >= 0"),
    "cores_per_server": (
        "cores_per_server",
        _number(1.0),
        "a number of CPU cores per CPU server, >= 1",
    ),
    "server_usd": (
        "server_usd",
        _number(0.0),
        "a number of USD per GPU server, its GPUs included, >= 0",
    ),
    "cpu_server_usd": ("cpu_server_usd", _number(0.0), "a number of USD per CPU server, >= 0"),
    "intensity": (
        "intensity",
        _one_of(*INTENSITY_SOURCES),
        '"series" (the grid zone\'s stored series over each run, where one exists) or "annual"',
    ),
    "intensity_kind": (
        "intensity_kind",
        _one_of(*INTENSITY_KINDS),
        '"average" or "marginal" (which stored series a job\'s intensity may come from)',
    ),
    "intensity_basis": (
        "intensity_basis",
        _one_of(*INTENSITY_BASES),
        '"lifecycle" or "direct" (which stored series a job\'s intensity may come from)',
    ),
}

_GPU_TOML = ("power_w", "cloud_equivalent", "idle_power_w", "embodied_kg")
_TABLES = ("site", "clusters", "gpus", "partitions", "scenario")


def _read_toml(path: Path, shown: str) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such config file.") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib says where in its message only: FILE:LINE in front, as other errors have it
        found = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", str(exc))
        if found is None:
            raise ConfigError(f"{shown}: not valid TOML: {exc}.") from None
        what, line, column = found.groups()
        raise ConfigError(f"{shown}:{line}: not valid TOML: {what} (column {column}).") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{shown}: not UTF-8 text (byte {exc.start + 1}); a config file is TOML, saved as "
            "UTF-8."
        ) from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read: {exc.strerror}.") from None


def _scope_table(raw: Any, shown: str, where: str) -> dict[str, Setting]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{shown}: {where} must be a table.")
    out: dict[str, Setting] = {}
    for key, value in raw.items():
        if key not in _SCOPE_TOML:
            raise ConfigError(
                f"{shown}: {where} {key}: unknown key. Known keys: {', '.join(_SCOPE_TOML)}."
            )
        logical, check, expected = _SCOPE_TOML[key]
        checked = check(value)
        if checked is None:
            raise ConfigError(f"{shown}: {where} {key}: expected {expected}, got {value!r}.")
        if logical == "cpu_power" and logical in out:
            raise ConfigError(
                f"{shown}: {where} sets both cpu_power_w_per_core and cpu_model; keep one."
            )
        if logical == "carbon" and key == "grid" and "carbon_g_per_kwh" in raw:
            continue  # an explicit intensity wins over the grid region in the same table
        out[logical] = Setting(checked, f"{shown} {where} {key}")
    return out


def _named_tables(
    raw: Any, shown: str, section: str, quoted: bool, example: str
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(name, how the file writes it, table) of each ``[section.NAME]`` table."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{shown}: [{section}] must hold tables like [{section}.{example}].")
    for name, table in raw.items():
        where = f'[{section}."{name}"]' if quoted else f"[{section}.{name}]"
        if not isinstance(table, dict):
            raise ConfigError(f"{shown}: {where} must be a table.")
        yield name, where, table


def _gpu_tables(raw: Any, shown: str) -> dict[str, GpuSetting]:
    out: dict[str, GpuSetting] = {}
    for name, where, table in _named_tables(raw, shown, "gpus", True, '"A100"'):
        key = gpu_key(name)
        if key is None:
            raise ConfigError(f"{shown}: {where}: not a GPU model name.")
        if re.search(r"[1-7]g\.\d+gb$", key):
            raise ConfigError(
                f"{shown}: {where}: a MIG slice counts as its share (g/7) of its GPU's power "
                'and price; set them for the GPU instead, e.g. [gpus."A100"].'
            )
        if key in out:
            raise ConfigError(
                f'{shown}: {where} and [gpus."{out[key].name}"] name the same GPU family '
                f"'{key}'; keep one."
            )
        power = equivalent = idle = embodied = None
        for k, v in table.items():
            if k == "power_w":
                w = _number(0.0, low_open=True)(v)
                if w is None:
                    raise ConfigError(f"{shown}: {where} power_w: expected a number of W > 0.")
                power = Setting(w, f"{shown} {where} power_w")
            elif k == "cloud_equivalent":
                target = gpu_key(v) if isinstance(v, str) else None
                if target is None:
                    raise ConfigError(
                        f"{shown}: {where} cloud_equivalent: expected a GPU model name "
                        'such as "P100".'
                    )
                equivalent = Setting(target, f"{shown} {where} cloud_equivalent")
            elif k == "idle_power_w":
                w = _number(0.0)(v)
                if w is None:
                    raise ConfigError(
                        f"{shown}: {where} idle_power_w: expected a number of W >= 0."
                    )
                idle = Setting(w, f"{shown} {where} idle_power_w")
            elif k == "embodied_kg":
                kg = _number(0.0)(v)
                if kg is None:
                    raise ConfigError(
                        f"{shown}: {where} embodied_kg: expected a number of kg CO2e >= 0."
                    )
                embodied = Setting(kg, f"{shown} {where} embodied_kg")
            else:
                raise ConfigError(
                    f"{shown}: {where} {k}: unknown key. Known keys: {', '.join(_GPU_TOML)}."
                )
        if idle is not None:
            _check_idle(idle, power, key, shown, where)
        out[key] = GpuSetting(name, power, equivalent, idle, embodied)
    return out


def _check_idle(idle: Setting, power: Setting | None, key: str, shown: str, where: str) -> None:
    """Raises ConfigError unless the idle power is below the GPU's board power (the table's
    when the same table sets none): the utilisation model draws between the two."""
    if power is not None:
        board, whose = float(power.value), "its power_w"
    else:
        table = factors.load("gpu_power")
        boards = dict(
            zip(table.column("gpu").to_pylist(), table.column("value").to_pylist(), strict=True)
        )
        if key not in boards:
            return
        board, whose = float(boards[key]), "the board power table's"
    if float(idle.value) >= board:
        raise ConfigError(
            f"{shown}: {where} idle_power_w: {idle.value:g} W is not below the board power "
            f"{board:g} W ({whose}); set power_w too, or an idle power below it."
        )


def _partition_tables(raw: Any, shown: str) -> dict[str, Setting]:
    out: dict[str, Setting] = {}
    for name, where, table in _named_tables(raw, shown, "partitions", False, "gpu"):
        for k in table:
            if k != "gpu_model":
                raise ConfigError(f"{shown}: {where} {k}: unknown key. Known keys: gpu_model.")
        v = table.get("gpu_model")
        key = gpu_key(v) if isinstance(v, str) else None
        if key is None:
            raise ConfigError(
                f'{shown}: {where} gpu_model: expected a GPU model name such as "A100".'
            )
        out[name] = Setting(key, f"{shown} {where} gpu_model ({v})")
    return out


def load(
    *,
    config: str | Path | None = None,
    preset: str | None = None,
    default_gpu_power_w: float | None = None,
    default_carbon_g_per_kwh: float | None = None,
    cwd: str | Path | None = None,
) -> Settings:
    """Resolve the settings once. Raises ConfigError (bad file, key, preset) or UsageError."""
    site: dict[str, Setting] = dict(DEFAULTS)
    if preset is not None:
        if preset not in PRESETS:
            raise ConfigError(f"unknown preset '{preset}'. Try one of: {', '.join(PRESETS)}.")
        site.update(PRESETS[preset])
    for option, given in (
        ("--default-gpu-power", default_gpu_power_w),
        ("--default-carbon", default_carbon_g_per_kwh),
    ):
        if given is not None and given < 0:
            raise UsageError(f"{option} must be >= 0, got {given}.")

    path: Path | None
    if config is not None:
        path, shown = Path(config), str(config)
    else:
        path = Path(cwd or ".") / CONFIG_NAME
        shown = CONFIG_NAME
        if not path.is_file():
            path = None
    read = _read_file(path, shown) if path is not None else _FileTables()
    site.update(read.site)
    return Settings(
        site=MappingProxyType(site),
        clusters=MappingProxyType(read.clusters),
        gpus=MappingProxyType(read.gpus),
        partitions=MappingProxyType(read.partitions),
        scenario=MappingProxyType(read.scenario),
        default_gpu_power_w=default_gpu_power_w,
        default_carbon_g_per_kwh=default_carbon_g_per_kwh,
        preset=preset,
        config_file=shown if path is not None else None,
    )


@dataclass
class _FileTables:
    """What one config file sets, table by table."""

    site: dict[str, Setting] = field(default_factory=dict)
    clusters: dict[str, Mapping[str, Setting]] = field(default_factory=dict)
    gpus: dict[str, GpuSetting] = field(default_factory=dict)
    partitions: dict[str, Setting] = field(default_factory=dict)
    scenario: dict[str, Setting] = field(default_factory=dict)


def _read_file(path: Path, shown: str) -> _FileTables:
    raw = _read_toml(path, shown)
    for table in raw:
        if table not in _TABLES:
            raise ConfigError(
                f"{shown}: [{table}]: unknown table. Known tables: {', '.join(_TABLES)}."
            )
    out = _FileTables(site=_scope_table(raw.get("site", {}), shown, "[site]"))
    for name, where, scope in _named_tables(
        raw.get("clusters", {}), shown, "clusters", False, "NAME"
    ):
        out.clusters[name] = MappingProxyType(_scope_table(scope, shown, where))
    out.gpus = _gpu_tables(raw.get("gpus", {}), shown)
    out.partitions = _partition_tables(raw.get("partitions", {}), shown)
    out.scenario = _scope_table(raw.get("scenario", {}), shown, "[scenario]")
    return out


def _merged_gpu(base: GpuSetting | None, over: GpuSetting) -> GpuSetting:
    if base is None:
        return over
    return GpuSetting(
        over.name,
        over.power_w or base.power_w,
        over.cloud_equivalent or base.cloud_equivalent,
        over.idle_power_w or base.idle_power_w,
        over.embodied_kg or base.embodied_kg,
    )


def layer(
    base: Settings, *, preset: str | None = None, config: str | Path | None = None
) -> Settings:
    """``base`` with a preset's values (over its [site]) or a config file's tables laid over
    it, key by key, as a file is laid over a preset: a scenario of ``auditor compare``.

    Raises ConfigError (unknown preset, a missing or bad file)."""
    site = dict(base.site)
    clusters = {name: dict(scope) for name, scope in base.clusters.items()}
    gpus = dict(base.gpus)
    partitions = dict(base.partitions)
    scenario = dict(base.scenario)
    if preset is not None:
        if preset not in PRESETS:
            raise ConfigError(f"unknown preset '{preset}'. Try one of: {', '.join(PRESETS)}.")
        site.update(PRESETS[preset])
    shown = None
    if config is not None:
        shown = str(config)
        read = _read_file(Path(config), shown)
        site.update(read.site)
        for name, scope in read.clusters.items():
            clusters.setdefault(name, {}).update(scope)
        for key, gpu in read.gpus.items():
            gpus[key] = _merged_gpu(gpus.get(key), gpu)
        partitions.update(read.partitions)
        scenario.update(read.scenario)
    return Settings(
        site=MappingProxyType(site),
        clusters=MappingProxyType(
            {name: MappingProxyType(scope) for name, scope in clusters.items()}
        ),
        gpus=MappingProxyType(gpus),
        partitions=MappingProxyType(partitions),
        scenario=MappingProxyType(scenario),
        default_gpu_power_w=base.default_gpu_power_w,
        default_carbon_g_per_kwh=base.default_carbon_g_per_kwh,
        preset=preset or base.preset,
        config_file=shown or base.config_file,
    )
