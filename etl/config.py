"""Settings: one `cxpulse.toml`, overridable by the environment.

Lookup order for the file: the explicit path, then `CXPULSE_CONFIG`, then `./cxpulse.toml`; with no file the
defaults apply. `CXPULSE_WAREHOUSE_URL` overrides the warehouse URL of the file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    service_level_seconds: int = 20
    short_abandon_seconds: int = 5
    reporting_timezone: str = "UTC"


@dataclass(frozen=True)
class IdentitySettings:
    """Rules that join one person's records across sources (docs/identity.md)."""

    default_country_code: str = "1"
    link_steps: int = 4


@dataclass(frozen=True)
class Settings:
    warehouse_url: str = DEFAULT_WAREHOUSE_URL
    sources: tuple[SourceConfig, ...] = ()
    metrics: MetricSettings = MetricSettings()
    identity: IdentitySettings = IdentitySettings()
    targets: dict[str, float] = field(default_factory=dict)
    unit_costs: dict[str, float] = field(default_factory=dict)
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


def settings_from_mapping(data: dict[str, Any], base: Path, config_path: Path | None = None) -> Settings:
    warehouse = data.get("warehouse", {})
    metrics = data.get("metrics", {})
    ingest = data.get("ingest", {})
    url = os.environ.get(WAREHOUSE_ENV) or warehouse.get("url") or DEFAULT_WAREHOUSE_URL
    return Settings(
        warehouse_url=resolve_warehouse_url(url, base),
        sources=_parse_sources(data.get("sources", []), base),
        metrics=MetricSettings(
            service_level_seconds=int(metrics.get("service_level_seconds", 20)),
            short_abandon_seconds=int(metrics.get("short_abandon_seconds", 5)),
            reporting_timezone=str(metrics.get("reporting_timezone", "UTC")),
        ),
        identity=_parse_identity(data.get("identity", {})),
        targets={str(k): float(v) for k, v in data.get("targets", {}).items()},
        unit_costs={str(k): float(v) for k, v in data.get("unit_costs", {}).items()},
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
