"""The metric catalog (sql/metrics.yml) as typed objects."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
CATALOG_PATH = SQL_DIR / "metrics.yml"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_QUALIFIED = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
UNITS = {"count", "rate", "seconds", "score", "money"}
DIRECTIONS = {"higher_is_better", "lower_is_better", "neutral"}


class CatalogError(ValueError):
    """The catalog file breaks its own rules."""


@dataclass(frozen=True)
class Variant:
    name: str
    description: str


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    description: str
    mart: str
    numerator: str
    denominator: str | None
    grain: str
    unit: str
    direction: str
    target: float | None
    source: str
    version: int
    variants: tuple[Variant, ...] = field(default_factory=tuple)

    @property
    def is_ratio(self) -> bool:
        return self.denominator is not None


def _metric_from_entry(entry: dict) -> Metric:
    name = entry.get("name", "?")
    required = ("name", "label", "description", "mart", "numerator", "grain", "unit", "direction",
                "source", "version")
    missing = [key for key in required if key not in entry]
    if missing:
        raise CatalogError(f"metric {name}: missing {', '.join(missing)}")
    for key in ("name", "numerator"):
        if not _IDENTIFIER.match(str(entry[key])):
            raise CatalogError(f"metric {name}: {key} {entry[key]!r} is not a plain identifier")
    if entry.get("denominator") is not None and not _IDENTIFIER.match(str(entry["denominator"])):
        raise CatalogError(f"metric {name}: denominator {entry['denominator']!r} is not a plain identifier")
    if not _QUALIFIED.match(str(entry["mart"])):
        raise CatalogError(f"metric {name}: mart {entry['mart']!r} is not schema.table")
    if entry["unit"] not in UNITS:
        raise CatalogError(f"metric {name}: unit {entry['unit']!r} not in {sorted(UNITS)}")
    if entry["direction"] not in DIRECTIONS:
        raise CatalogError(f"metric {name}: direction {entry['direction']!r} not in {sorted(DIRECTIONS)}")
    return Metric(
        name=entry["name"],
        label=entry["label"],
        description=" ".join(str(entry["description"]).split()),
        mart=entry["mart"],
        numerator=entry["numerator"],
        denominator=entry.get("denominator"),
        grain=entry["grain"],
        unit=entry["unit"],
        direction=entry["direction"],
        target=float(entry["target"]) if entry.get("target") is not None else None,
        source=" ".join(str(entry["source"]).split()),
        version=int(entry["version"]),
        variants=tuple(Variant(v["name"], v["description"]) for v in entry.get("variants") or []),
    )


def parse_catalog(text: str) -> dict[str, Metric]:
    data = yaml.safe_load(text) or {}
    metrics = [_metric_from_entry(entry) for entry in data.get("metrics", [])]
    names = [m.name for m in metrics]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise CatalogError(f"metrics defined more than once: {', '.join(duplicated)}")
    return {m.name: m for m in metrics}


@lru_cache(maxsize=1)
def load_catalog(path: Path = CATALOG_PATH) -> dict[str, Metric]:
    """The catalog, keyed by metric name, in file order."""
    return parse_catalog(path.read_text(encoding="utf-8"))


def target_for(metric: Metric, targets: dict[str, float]) -> float | None:
    """The configured target, else the catalog's default."""
    return targets.get(metric.name, metric.target)
