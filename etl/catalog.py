"""The metric catalog (sql/metrics/*.yml, one file per subject) as typed objects.

Every metric has one entry. A metric is shown in one of its named variants: the variant chosen in the
settings (`[metrics.variants] <metric> = "<variant>"`), else the catalog's `default_variant`. A variant may
name its own numerator, denominator and sum-of-squares columns; the figure carries the variant's name.

Every metric names the **evidence** it needs (`evidence: <rule>`), one of the rules of
sql/metrics/evidence/rules.yml: what a source's records must hold for the figure to be measured at all, and the
reason given in its place when they do not ("not measured — <reason>", never 0 and never "met").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
CATALOG_DIR = SQL_DIR / "metrics"
EVIDENCE_RULES_PATH = CATALOG_DIR / "evidence" / "rules.yml"
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_QUALIFIED = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
UNITS = {"count", "rate", "seconds", "score", "money", "per_contact", "ces"}
KINDS = {"sla", "xla", "volume", "cost", "risk"}
# how a period-over-period change gets its confidence interval (etl.change)
CI_METHODS = {"wilson", "welch_t", "poisson", "none"}
DIRECTIONS = {"higher_is_better", "lower_is_better", "neutral"}
FIELDS = {"name", "label", "kind", "description", "formula", "mart", "numerator", "denominator", "sum_of_squares",
          "grain", "unit", "direction", "target", "ci_method", "min_cases", "source", "variants", "default_variant",
          "version", "evidence"}
EVIDENCE_RULE_FIELDS = {"needs", "scope", "reason"}
VARIANT_FIELDS = {"name", "description", "numerator", "denominator", "sum_of_squares"}


class CatalogError(ValueError):
    """The catalog file breaks its own rules."""


@dataclass(frozen=True)
class EvidenceRule:
    """What a source's records must hold for a metric to be measured, and why it is not when they do not."""

    name: str
    needs: str
    scope: str
    reason: str


def parse_evidence_rules(text: str) -> dict[str, EvidenceRule]:
    """The evidence rules of a rules file (sql/metrics/evidence/rules.yml), keyed by name, in file order."""
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or not isinstance(data.get("rules"), dict):
        raise CatalogError("an evidence rules file is a mapping with a `rules:` mapping")
    rules = {}
    for name, raw in data["rules"].items():
        if not _IDENTIFIER.match(str(name)):
            raise CatalogError(f"evidence rule {name!r} is not a plain identifier")
        if not isinstance(raw, dict) or set(raw) != EVIDENCE_RULE_FIELDS or not all(raw.values()):
            raise CatalogError(f"evidence rule {name}: needs exactly {', '.join(sorted(EVIDENCE_RULE_FIELDS))}")
        rules[name] = EvidenceRule(name, *(" ".join(str(raw[key]).split()) for key in ("needs", "scope", "reason")))
    return rules


@lru_cache(maxsize=1)
def load_evidence_rules(path: Path = EVIDENCE_RULES_PATH) -> dict[str, EvidenceRule]:
    return parse_evidence_rules(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Variant:
    name: str
    description: str
    numerator: str | None = None
    denominator: str | None = None
    sum_of_squares: str | None = None


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
    evidence: str = ""
    variants: tuple[Variant, ...] = field(default_factory=tuple)
    kind: str = "sla"
    ci_method: str = "none"
    sum_of_squares: str | None = None
    formula: str = ""
    min_cases: int | None = None
    default_variant: str | None = None
    variant: str | None = None
    subject: str = ""
    # the entry's own numerator, denominator and sum_of_squares, before any variant replaced them
    base_columns: tuple[str, str | None, str | None] | None = field(default=None, repr=False)

    @property
    def is_ratio(self) -> bool:
        return self.denominator is not None

    @property
    def qualified_version(self) -> str:
        """What a figure is stamped with: name, version and variant."""
        suffix = f" ({self.variant})" if self.variant else ""
        return f"{self.name} v{self.version}{suffix}"

    def in_variant(self, name: str | None) -> Metric:
        """This metric computed as the named variant (None: the catalog's default)."""
        chosen = name or self.default_variant
        if chosen is None:
            return self
        # a variant falls back on the entry's own columns, not on those of the variant shown now
        base = self.base_columns or (self.numerator, self.denominator, self.sum_of_squares)
        for variant in self.variants:
            if variant.name == chosen:
                return replace(
                    self,
                    numerator=variant.numerator or base[0],
                    denominator=variant.denominator or base[1],
                    sum_of_squares=variant.sum_of_squares or base[2],
                    variant=variant.name,
                    base_columns=base,
                )
        known = ", ".join(v.name for v in self.variants) or "none"
        raise CatalogError(f"metric {self.name} has no variant {chosen!r} (known: {known})")


def _variant_from_entry(name: str, raw: object) -> Variant:
    if not isinstance(raw, dict):
        raise CatalogError(f"metric {name}: a variant must be a mapping with a name and a description")
    unknown = sorted(set(raw) - VARIANT_FIELDS)
    if unknown:
        raise CatalogError(f"metric {name} variant {raw.get('name')}: unknown field(s) {', '.join(unknown)}")
    missing = [key for key in ("name", "description") if not raw.get(key)]
    if missing:
        raise CatalogError(f"metric {name}: a variant is missing {', '.join(missing)}")
    for key in ("name", "numerator", "denominator", "sum_of_squares"):
        if raw.get(key) is not None and not _IDENTIFIER.match(str(raw[key])):
            raise CatalogError(f"metric {name} variant {raw.get('name')}: {key} is not a plain identifier")
    return Variant(raw["name"], " ".join(str(raw["description"]).split()), raw.get("numerator"),
                   raw.get("denominator"), raw.get("sum_of_squares"))


def _check_interval_method(name: str, entry: dict) -> None:
    method = entry.get("ci_method", "none")
    if method not in CI_METHODS:
        raise CatalogError(f"metric {name}: ci_method {method!r} not in {sorted(CI_METHODS)}")
    if method == "wilson" and (entry.get("denominator") is None or entry["unit"] != "rate"):
        raise CatalogError(f"metric {name}: a wilson interval is for a rate (unit rate, with a denominator)")
    if method == "welch_t" and (entry.get("denominator") is None or not entry.get("sum_of_squares")):
        raise CatalogError(f"metric {name}: a welch_t interval needs a denominator and a sum_of_squares column")
    for raw in entry.get("variants") or [] if method == "welch_t" else []:
        if isinstance(raw, dict) and bool(raw.get("numerator")) != bool(raw.get("sum_of_squares")):
            raise CatalogError(f"metric {name} variant {raw.get('name')}: a variant of a mean that names its own"
                               " numerator names its own sum_of_squares too (and the other way round)")


def _real(name: str, entry: dict, key: str) -> float | None:
    """entry[key] as a number (None when absent)."""
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CatalogError(f"metric {name}: {key} {value!r} is not a number")
    return float(value)


def _whole(name: str, entry: dict, key: str) -> int | None:
    """entry[key] as a whole number (None when absent)."""
    value = _real(name, entry, key)
    if value is not None and value != int(value):
        raise CatalogError(f"metric {name}: {key} {entry[key]!r} is not a whole number")
    return None if value is None else int(value)


def _metric_from_entry(entry: object) -> Metric:
    if not isinstance(entry, dict):
        raise CatalogError(f"a metric entry must be a mapping, got {entry!r}")
    name = entry.get("name", "?")
    unknown = sorted(set(entry) - FIELDS)
    if unknown:
        raise CatalogError(f"metric {name}: unknown field(s) {', '.join(unknown)} (see the list in service.yml)")
    required = ("name", "label", "description", "mart", "numerator", "grain", "unit", "direction",
                "source", "version", "evidence")
    missing = [key for key in required if entry.get(key) in (None, "")]
    if missing:
        raise CatalogError(f"metric {name}: missing {', '.join(missing)}")
    rules = load_evidence_rules()
    if entry["evidence"] not in rules:
        raise CatalogError(f"metric {name}: evidence {entry['evidence']!r} is not a rule of "
                           f"{EVIDENCE_RULES_PATH.name} (known: {', '.join(rules)})")
    for key in ("name", "numerator"):
        if not _IDENTIFIER.match(str(entry[key])):
            raise CatalogError(f"metric {name}: {key} {entry[key]!r} is not a plain identifier")
    for key in ("denominator", "sum_of_squares"):
        if entry.get(key) is not None and not _IDENTIFIER.match(str(entry[key])):
            raise CatalogError(f"metric {name}: {key} {entry[key]!r} is not a plain identifier")
    if entry.get("kind", "sla") not in KINDS:
        raise CatalogError(f"metric {name}: kind {entry.get('kind')!r} not in {sorted(KINDS)}")
    variants = [_variant_from_entry(name, raw) for raw in entry.get("variants") or []]
    variant_names = [v.name for v in variants]
    if len(set(variant_names)) < len(variant_names):
        raise CatalogError(f"metric {name}: a variant name is used twice")
    default_variant = entry.get("default_variant")
    if default_variant is None and variants:
        raise CatalogError(f"metric {name}: has variants but no default_variant")
    if default_variant is not None and default_variant not in {v.name for v in variants}:
        raise CatalogError(f"metric {name}: default_variant {default_variant!r} is not one of its variants")
    if not _QUALIFIED.match(str(entry["mart"])):
        raise CatalogError(f"metric {name}: mart {entry['mart']!r} is not schema.table")
    if entry["unit"] not in UNITS:
        raise CatalogError(f"metric {name}: unit {entry['unit']!r} not in {sorted(UNITS)}")
    if entry["direction"] not in DIRECTIONS:
        raise CatalogError(f"metric {name}: direction {entry['direction']!r} not in {sorted(DIRECTIONS)}")
    _check_interval_method(name, entry)
    target = _real(name, entry, "target")
    min_cases = _whole(name, entry, "min_cases")
    version = _whole(name, entry, "version")
    if min_cases is not None and min_cases < 1:
        raise CatalogError(f"metric {name}: min_cases must be at least 1")
    if version is None or version < 1:
        raise CatalogError(f"metric {name}: version must be a whole number from 1")
    if entry["unit"] == "rate" and target is not None and not 0 <= target <= 1:
        raise CatalogError(f"metric {name}: a rate's target is a share between 0 and 1, got {entry['target']}")
    if entry["unit"] == "rate" and entry.get("denominator") is None:
        raise CatalogError(f"metric {name}: a rate needs a denominator")
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
        target=target,
        source=" ".join(str(entry["source"]).split()),
        version=version,
        evidence=entry["evidence"],
        variants=tuple(variants),
        kind=entry.get("kind", "sla"),
        ci_method=entry.get("ci_method", "none"),
        sum_of_squares=entry.get("sum_of_squares"),
        formula=" ".join(str(entry.get("formula") or "").split()),
        min_cases=min_cases,
        default_variant=default_variant,
    ).in_variant(None)


def parse_catalog(text: str, subject: str = "") -> dict[str, Metric]:
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or not isinstance(data.get("metrics", []), list):
        raise CatalogError("a catalog file is a mapping with a `metrics:` list")
    metrics = [replace(_metric_from_entry(entry), subject=subject) for entry in data.get("metrics", [])]
    return _unique(metrics)


def _unique(metrics: list[Metric]) -> dict[str, Metric]:
    names = [m.name for m in metrics]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise CatalogError(f"metrics defined more than once: {', '.join(duplicated)}")
    return {m.name: m for m in metrics}


@lru_cache(maxsize=4)
def load_catalog(directory: Path = CATALOG_DIR) -> dict[str, Metric]:
    """The catalog, keyed by metric name, in file order (files by name), each metric in its default variant."""
    metrics: list[Metric] = []
    for path in sorted(directory.glob("*.yml")):
        try:
            metrics += parse_catalog(path.read_text(encoding="utf-8"), subject=path.stem).values()
        except CatalogError as error:
            raise CatalogError(f"{path.name}: {error}") from error
    return _unique(metrics)


def catalog_for(variants: dict[str, str], directory: Path = CATALOG_DIR) -> dict[str, Metric]:
    """The catalog with the variants chosen in the settings (`Settings.metrics.variants`)."""
    catalog = load_catalog(directory)
    unknown = sorted(set(variants) - set(catalog))
    if unknown:
        raise CatalogError(f"[metrics.variants] names unknown metric(s): {', '.join(unknown)}")
    return {name: metric.in_variant(variants.get(name)) for name, metric in catalog.items()}


def target_for(metric: Metric, targets: dict[str, float]) -> float | None:
    """The configured target, else the catalog's default."""
    return targets.get(metric.name, metric.target)
