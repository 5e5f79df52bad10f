"""Settings: one `cxpulse.toml`, overridable by the environment.

Lookup order for the file: the explicit path, then `CXPULSE_CONFIG`, then `./cxpulse.toml`; with no file the
defaults apply. `CXPULSE_WAREHOUSE_URL` overrides the warehouse URL of the file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.access import AccessConfigError, AccessSettings, parse_access

DEFAULT_WAREHOUSE_URL = "duckdb:///data/cxpulse.duckdb"
CONFIG_ENV = "CXPULSE_CONFIG"
WAREHOUSE_ENV = "CXPULSE_WAREHOUSE_URL"


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class SourceConfig:
    name: str
    format: str
    path: Path
    timezone: str = "UTC"
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MetricSettings:
    """[metrics]: thresholds and the variant each metric is shown in (sql/metrics/*.yml lists the variants)."""

    service_level_seconds: int = 20
    short_abandon_seconds: int = 5
    reporting_timezone: str = "UTC"
    repeat_window_days: int = 7
    min_cases: int = 30
    confidence_level: float = 0.95
    variants: dict[str, str] = field(default_factory=dict)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


@dataclass(frozen=True)
class BusinessCalendar:
    """[[calendars]]: when a queue or team is open. `weekly_hours[d]` lists (open, close) local times for ISO
    weekday d (1 = Monday); a day absent is closed. Queues and teams not named by any calendar use the
    default calendar (the one named by `default = true`, else 24x7 in the reporting time zone)."""

    name: str
    timezone: str
    weekly_hours: dict[int, tuple[tuple[dt.time, dt.time], ...]]
    holidays: tuple[dt.date, ...] = ()
    queues: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    is_default: bool = False


@dataclass(frozen=True)
class SlaPolicy:
    """[[sla_policies]]: targets for contacts matching the channels and priorities (empty = any), first match
    in file order wins. Targets in minutes in the file, seconds here; business time unless calendar_time."""

    name: str
    channels: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    first_reply_seconds: float | None = None
    next_reply_seconds: float | None = None
    resolution_seconds: float | None = None
    business_hours: bool = True


@dataclass(frozen=True)
class SignalSettings:
    """[signals]: thresholds of the empathy-gap signals (docs/metrics.md)."""

    handoff_highway_rate: float = 0.5
    repetition_loop_rate: float = 0.2
    restatement_rate: float = 0.3
    rising_relative_change: float = 0.2
    silent_exodus_days: int = 60
    min_cases: int = 30
    # a cell is a watermelon when at least this share of its SLA measures meet target ...
    watermelon_sla_attainment: float = 0.75
    # ... and fewer than this share of its XLA measures do
    watermelon_xla_attainment: float = 0.5


@dataclass(frozen=True)
class ChurnSettings:
    """[churn]: the churn-risk model's features window and when to fall back to the rule."""

    feature_window_days: int = 90
    min_churned_accounts: int = 20
    holdout_share: float = 0.3
    seed: int = 20261122


@dataclass(frozen=True)
class CapacitySettings:
    """[capacity]: the volume forecast and the staffing requirement (docs/capacity.md)."""

    horizon_days: int = 28
    holdout_days: int = 28
    interval_minutes: int = 30
    profile_weeks: int = 8
    max_occupancy: float = 0.85


@dataclass(frozen=True)
class FreshnessSettings:
    """[freshness]: a source is stale when its newest record (data time, not load time) is older than this."""

    stale_after_hours: float = 48.0


@dataclass(frozen=True)
class DetectorSettings:
    """[detectors]: which calibration of the detectors' thresholds the build applies, and how `cxpulse calibrate`
    refits them (etl/calibration.py). calibration: "latest" (the newest version in ops.detector_calibrations,
    the shipped defaults while there is none), "none" (the shipped defaults) or a version name ("cal-2")."""

    calibration: str = "latest"
    intent_precision_target: float = 0.8
    min_labels: int = 20


@dataclass(frozen=True)
class IntentSettings:
    """[intents]: the taxonomy file and the classifier's confidence floor and bands (docs: README, Intents).

    taxonomy: a YAML file (etl/intents/taxonomy.py) or a shipped pack's name (starter, demo); None means the
    starter pack. A model guess below
    confidence_floor is "unclassified"; confidences from high_from are band High, from medium_from Medium, else
    Low (vendor- and rule-labelled contacts have confidence 1.0, so band High)."""

    taxonomy: Path | None = None
    confidence_floor: float = 0.5
    high_from: float = 0.8
    medium_from: float = 0.6


@dataclass(frozen=True)
class IdentitySettings:
    """Rules that join one person's records across sources (docs/identity.md)."""

    default_country_code: str = "1"
    link_steps: int = 4


PSEUDONYM_KEY_FILE = Path(".cxpulse") / "pseudonym.key"


@dataclass(frozen=True)
class PrivacySettings:
    """Personal data at ingest (docs/privacy.md): where the pseudonym key lives, whether clear values are kept
    in the restricted schema, and what the detectors read. A relative key file is beside the config file."""

    pseudonym_key_file: Path = PSEUDONYM_KEY_FILE
    keep_clear_text: bool = False
    detectors_read: str = "masked"


@dataclass(frozen=True)
class Settings:
    warehouse_url: str = DEFAULT_WAREHOUSE_URL
    sources: tuple[SourceConfig, ...] = ()
    metrics: MetricSettings = MetricSettings()
    identity: IdentitySettings = IdentitySettings()
    targets: dict[str, float] = field(default_factory=dict)
    unit_costs: dict[str, dict[str, float]] = field(default_factory=dict)
    calendars: tuple[BusinessCalendar, ...] = ()
    sla_policies: tuple[SlaPolicy, ...] = ()
    signals: SignalSettings = SignalSettings()
    churn: ChurnSettings = ChurnSettings()
    capacity: CapacitySettings = CapacitySettings()
    freshness: FreshnessSettings = FreshnessSettings()
    detectors: DetectorSettings = DetectorSettings()
    intents: IntentSettings = IntentSettings()
    access: AccessSettings = field(default_factory=AccessSettings)
    privacy: PrivacySettings = PrivacySettings()
    currency: str = "USD"
    max_rejected_share: float = 0.05
    lookback_hours: float = 72.0
    config_path: Path | None = None

    @property
    def base_dir(self) -> Path:
        return self.config_path.parent if self.config_path else Path.cwd()


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path)


def resolve_warehouse_url(url: str, base: Path) -> str:
    """Make a relative DuckDB file path absolute against the config's folder."""
    prefix = "duckdb:///"
    if url.startswith(prefix):
        file_part = url[len(prefix):]
        if file_part and file_part != ":memory:" and not file_part.startswith("/"):
            return prefix + str(_resolve(base, file_part))
    return url


def _parse_sources(raw: list[dict[str, Any]], base: Path) -> tuple[SourceConfig, ...]:
    sources = []
    for index, entry in enumerate(raw):
        missing = [key for key in ("name", "format", "path") if key not in entry]
        if missing:
            raise ConfigError(f"[[sources]] entry {index + 1} lacks {', '.join(missing)}")
        options = {k: v for k, v in entry.items() if k not in {"name", "format", "path", "timezone"}}
        if "mapping" in options:
            options["mapping"] = str(_resolve(base, str(options["mapping"])))
        sources.append(
            SourceConfig(
                name=str(entry["name"]),
                format=str(entry["format"]),
                path=_resolve(base, str(entry["path"])),
                timezone=str(entry.get("timezone", "UTC")),
                options=options,
            )
        )
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise ConfigError("source names must be unique")
    return tuple(sources)


def _parse_identity(raw: dict[str, Any]) -> IdentitySettings:
    country_code = str(raw.get("default_country_code", "1")).lstrip("+")
    if not country_code.isdigit() or len(country_code) > 3:
        raise ConfigError(f"[identity] default_country_code must be 1 to 3 digits, not {country_code!r}")
    link_steps = int(raw.get("link_steps", 4))
    if not 1 <= link_steps <= 16:
        raise ConfigError("[identity] link_steps must be between 1 and 16")
    return IdentitySettings(default_country_code=country_code, link_steps=link_steps)


def _parse_privacy(raw: dict[str, Any], base: Path) -> PrivacySettings:
    unknown = set(raw) - {"pseudonym_key_file", "keep_clear_text", "detectors_read"}
    if unknown:
        raise ConfigError(f"[privacy] has unknown keys: {', '.join(sorted(unknown))}")
    keep_clear = raw.get("keep_clear_text", False)
    if not isinstance(keep_clear, bool):
        raise ConfigError("[privacy] keep_clear_text must be true or false")
    detectors_read = str(raw.get("detectors_read", "masked"))
    if detectors_read != "masked":
        raise ConfigError('[privacy] detectors_read: only "masked" is implemented (the detectors read what raw'
                          " holds; docs/privacy.md)")
    key_file = _resolve(base, str(raw.get("pseudonym_key_file", PSEUDONYM_KEY_FILE)))
    return PrivacySettings(pseudonym_key_file=key_file, keep_clear_text=keep_clear, detectors_read=detectors_read)


def _check_timezone(name: str, where: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(f"{where}: unknown time zone {name!r}") from error
    return name


def _parse_hours(text: str, where: str) -> tuple[dt.time, dt.time]:
    match = _HOURS.match(text.strip())
    if not match:
        raise ConfigError(f"{where}: hours {text!r} are not HH:MM-HH:MM")
    start_h, start_m, end_h, end_m = (int(g) for g in match.groups())
    if start_h > 23 or end_h > 24 or start_m > 59 or end_m > 59 or (end_h == 24 and end_m):
        raise ConfigError(f"{where}: hours {text!r} are not valid times")
    start = dt.time(start_h, start_m)
    end = dt.time.max if end_h == 24 else dt.time(end_h, end_m)
    if end <= start:
        raise ConfigError(f"{where}: hours {text!r} close before they open (split overnight hours over two days)")
    return start, end


def _parse_calendars(raw: list[dict[str, Any]], reporting_timezone: str) -> tuple[BusinessCalendar, ...]:
    calendars = []
    for index, entry in enumerate(raw):
        where = f"[[calendars]] entry {index + 1}"
        if "name" not in entry:
            raise ConfigError(f"{where} lacks name")
        where = f"[[calendars]] {entry['name']}"
        hours: dict[int, tuple[tuple[dt.time, dt.time], ...]] = {}
        for day, value in (entry.get("hours") or {}).items():
            if day not in WEEKDAYS:
                raise ConfigError(f"{where}: {day!r} is not one of {', '.join(WEEKDAYS)}")
            spans = [value] if isinstance(value, str) else list(value)
            hours[WEEKDAYS.index(day) + 1] = tuple(_parse_hours(str(v), where) for v in spans if str(v).strip())
        try:
            holidays = tuple(sorted(dt.date.fromisoformat(str(d)) for d in entry.get("holidays", [])))
        except ValueError as error:
            raise ConfigError(f"{where}: holiday {error}") from error
        calendars.append(BusinessCalendar(
            name=str(entry["name"]),
            timezone=_check_timezone(str(entry.get("timezone", reporting_timezone)), where),
            weekly_hours=hours,
            holidays=holidays,
            queues=tuple(str(q) for q in entry.get("queues", [])),
            teams=tuple(str(t) for t in entry.get("teams", [])),
            is_default=bool(entry.get("default", False)),
        ))
    names = [c.name for c in calendars]
    if len(set(names)) != len(names):
        raise ConfigError("calendar names must be unique")
    if sum(c.is_default for c in calendars) > 1:
        raise ConfigError("only one calendar can be the default")
    return tuple(calendars)


def _minutes(entry: dict[str, Any], key: str, where: str) -> float | None:
    if entry.get(key) is None:
        return None
    value = float(entry[key])
    if value <= 0:
        raise ConfigError(f"{where}: {key} must be positive")
    return value * 60.0


def _parse_sla_policies(raw: list[dict[str, Any]]) -> tuple[SlaPolicy, ...]:
    policies = []
    for index, entry in enumerate(raw):
        where = f"[[sla_policies]] {entry.get('name', index + 1)}"
        policies.append(SlaPolicy(
            name=str(entry.get("name", f"policy_{index + 1}")),
            channels=tuple(str(c) for c in entry.get("channels", [])),
            priorities=tuple(str(p) for p in entry.get("priorities", [])),
            first_reply_seconds=_minutes(entry, "first_reply_minutes", where),
            next_reply_seconds=_minutes(entry, "next_reply_minutes", where),
            resolution_seconds=_minutes(entry, "resolution_minutes", where),
            business_hours=not bool(entry.get("calendar_time", False)),
        ))
    return tuple(policies)


def _parse_unit_costs(raw: dict[str, Any]) -> dict[str, dict[str, float]]:
    """[unit_costs.<channel>] bot = ..., human = ...: cost of one contact's bot part and human part."""
    costs: dict[str, dict[str, float]] = {}
    for channel, value in raw.items():
        if not isinstance(value, dict):
            raise ConfigError(f"[unit_costs.{channel}] must be a table with bot and/or human costs")
        unknown = set(value) - {"bot", "human"}
        if unknown:
            raise ConfigError(f"[unit_costs.{channel}]: unknown handler(s) {', '.join(sorted(unknown))}")
        costs[str(channel)] = {str(k): float(v) for k, v in value.items()}
    return costs


def _section(cls: type, raw: dict[str, Any], where: str) -> Any:
    unknown = set(raw) - set(cls.__dataclass_fields__)
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
    defaults = cls()
    try:
        return cls(**{k: type(getattr(defaults, k))(v) for k, v in raw.items()})
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{where}: {error}") from error


def _parse_capacity(raw: dict[str, Any]) -> CapacitySettings:
    capacity = _section(CapacitySettings, raw, "[capacity]")
    if capacity.interval_minutes not in (15, 30, 60):
        raise ConfigError("[capacity] interval_minutes must be 15, 30 or 60")
    if min(capacity.horizon_days, capacity.holdout_days, capacity.profile_weeks) < 1:
        raise ConfigError("[capacity] horizon_days, holdout_days and profile_weeks must be positive")
    if not 0 < capacity.max_occupancy <= 1:
        raise ConfigError("[capacity] max_occupancy must be in (0, 1]")
    return capacity


def _parse_detectors(raw: dict[str, Any]) -> DetectorSettings:
    detectors = _section(DetectorSettings, raw, "[detectors]")
    if not 0 < detectors.intent_precision_target <= 1:
        raise ConfigError("[detectors] intent_precision_target must be in (0, 1]")
    if detectors.min_labels < 1:
        raise ConfigError("[detectors] min_labels must be at least 1")
    if not re.fullmatch(r"latest|none|cal-[0-9]+", detectors.calibration):
        raise ConfigError('[detectors] calibration must be "latest", "none" or a version such as "cal-2"')
    return detectors


def _parse_freshness(raw: dict[str, Any]) -> FreshnessSettings:
    freshness = _section(FreshnessSettings, raw, "[freshness]")
    if freshness.stale_after_hours <= 0:
        raise ConfigError("[freshness] stale_after_hours must be positive")
    return freshness


def _parse_intents(raw: dict[str, Any], base: Path) -> IntentSettings:
    unknown = set(raw) - set(IntentSettings.__dataclass_fields__)
    if unknown:
        raise ConfigError(f"[intents]: unknown setting(s) {', '.join(sorted(unknown))}")
    try:
        floor = float(raw.get("confidence_floor", 0.5))
        high_from = float(raw.get("high_from", 0.8))
        medium_from = float(raw.get("medium_from", 0.6))
    except (TypeError, ValueError) as error:
        raise ConfigError(f"[intents]: {error}") from error
    if not all(0.0 <= value <= 1.0 for value in (floor, high_from, medium_from)):
        raise ConfigError("[intents] confidence_floor, high_from and medium_from must be between 0 and 1")
    if medium_from > high_from:
        raise ConfigError("[intents] medium_from must not exceed high_from")
    from etl.intents.taxonomy import PACKS

    taxonomy = raw.get("taxonomy")
    named = str(taxonomy) if taxonomy not in (None, "") else None
    taxonomy_path = (PACKS.get(named) or _resolve(base, named)) if named else None
    return IntentSettings(
        taxonomy=taxonomy_path,
        confidence_floor=floor, high_from=high_from, medium_from=medium_from,
    )


def _parse_access(raw: dict[str, Any]) -> AccessSettings:
    try:
        return parse_access(raw)
    except AccessConfigError as error:
        raise ConfigError(str(error)) from error


def settings_from_mapping(data: dict[str, Any], base: Path, config_path: Path | None = None) -> Settings:
    warehouse = data.get("warehouse", {})
    metrics = data.get("metrics", {})
    ingest = data.get("ingest", {})
    url = os.environ.get(WAREHOUSE_ENV) or warehouse.get("url") or DEFAULT_WAREHOUSE_URL
    reporting_timezone = _check_timezone(str(metrics.get("reporting_timezone", "UTC")), "[metrics]")
    signals = data.get("signals", {})
    churn = data.get("churn", {})
    repeat_window_days = int(metrics.get("repeat_window_days", 7))
    if not 1 <= repeat_window_days <= 90:
        raise ConfigError("[metrics] repeat_window_days must be between 1 and 90")
    return Settings(
        warehouse_url=resolve_warehouse_url(url, base),
        sources=_parse_sources(data.get("sources", []), base),
        metrics=MetricSettings(
            service_level_seconds=int(metrics.get("service_level_seconds", 20)),
            short_abandon_seconds=int(metrics.get("short_abandon_seconds", 5)),
            reporting_timezone=reporting_timezone,
            repeat_window_days=repeat_window_days,
            min_cases=int(metrics.get("min_cases", 30)),
            confidence_level=float(metrics.get("confidence_level", 0.95)),
            variants={str(k): str(v) for k, v in (metrics.get("variants") or {}).items()},
        ),
        calendars=_parse_calendars(data.get("calendars", []), reporting_timezone),
        sla_policies=_parse_sla_policies(data.get("sla_policies", [])),
        signals=_section(SignalSettings, signals, "[signals]"),
        churn=_section(ChurnSettings, churn, "[churn]"),
        capacity=_parse_capacity(data.get("capacity", {})),
        freshness=_parse_freshness(data.get("freshness", {})),
        detectors=_parse_detectors(data.get("detectors", {})),
        intents=_parse_intents(data.get("intents", {}), base),
        access=_parse_access(data.get("access", {})),
        identity=_parse_identity(data.get("identity", {})),
        privacy=_parse_privacy(data.get("privacy", {}), base),
        targets={str(k): float(v) for k, v in data.get("targets", {}).items()},
        unit_costs=_parse_unit_costs(data.get("unit_costs", {})),
        currency=str(data.get("currency", "USD")),
        max_rejected_share=float(ingest.get("max_rejected_share", 0.05)),
        lookback_hours=float(ingest.get("lookback_hours", 72.0)),
        config_path=config_path,
    )


def load_settings(path: Path | str | None = None) -> Settings:
    """Read the settings; raise ConfigError naming the file when it cannot be read."""
    explicit = path or os.environ.get(CONFIG_ENV)
    candidate = Path(explicit) if explicit else Path.cwd() / "cxpulse.toml"
    if not candidate.exists():
        if explicit:
            raise ConfigError(f"configuration file not found: {candidate}")
        return settings_from_mapping({}, Path.cwd())
    try:
        data = tomllib.loads(candidate.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read configuration file {candidate}: {error}") from error
    candidate = candidate.resolve()
    return settings_from_mapping(data, candidate.parent, candidate)
