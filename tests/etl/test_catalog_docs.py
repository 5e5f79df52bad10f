"""docs/metrics.md and `cxpulse catalog`: the catalog rendered as Markdown, deterministic, and checked for staleness."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from etl import catalog_docs
from etl.catalog import CatalogError, load_catalog
from etl.catalog_docs import (
    DOCS_PATH,
    catalog_markdown,
    format_target,
    formula_of,
    is_stale,
    render_catalog,
    render_metric,
)
from etl.cli import app

runner = CliRunner(env={"COLUMNS": "250"})


def _entry(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "label": name.replace("_", " ").capitalize(), "kind": kind, "description": f"About {name}.",
            "mart": "marts.test_daily", "numerator": f"count_{name}", "grain": "day", "unit": "count",
            "direction": "neutral", "source": "Our own.", "version": 1, "evidence": "accounts", **extra}


def _write_catalog(folder: Path) -> Path:
    folder.mkdir()
    accounts = [
        _entry("churned_accounts", "risk"),
        _entry("accounts_served", "volume"),
    ]
    service = [
        _entry("contacts", "volume"),
        _entry("answer_rate", "sla", unit="rate", denominator="count_offered", direction="higher_is_better",
               target=0.8, ci_method="wilson", min_cases=40,
               formula="answered within 20 s | offered",
               variants=[{"name": "strict", "description": "abandons counted"},
                         {"name": "lenient", "description": "abandons left out", "denominator": "count_answered"}],
               default_variant="strict"),
        _entry("wait_time", "xla", unit="seconds", denominator="count_waits", direction="lower_is_better",
               target=5400, ci_method="welch_t", sum_of_squares="sum_wait_seconds_squared"),
    ]
    (folder / "service.yml").write_text(yaml.safe_dump({"metrics": service}), encoding="utf-8")
    (folder / "accounts.yml").write_text(yaml.safe_dump({"metrics": accounts}), encoding="utf-8")
    return folder


def test_docs_metrics_md_is_up_to_date_with_the_catalog() -> None:
    # the lead regenerates it at merge: `.venv/bin/python -m etl.cli catalog --markdown docs/metrics.md`
    assert DOCS_PATH.exists(), "docs/metrics.md is missing: run `cxpulse catalog --markdown docs/metrics.md`"
    assert DOCS_PATH.read_text(encoding="utf-8") == catalog_markdown(), (
        "docs/metrics.md is stale: run `cxpulse catalog --markdown docs/metrics.md`"
    )


def test_every_metric_of_the_real_catalog_has_a_card() -> None:
    text = catalog_markdown()
    for metric in load_catalog().values():
        assert f"#### {metric.label} (`{metric.name}`)" in text


def test_grouped_by_subject_then_kind_in_a_fixed_order(tmp_path: Path) -> None:
    text = render_catalog(load_catalog(_write_catalog(tmp_path / "metrics")))
    headings = [line for line in text.splitlines() if line.startswith("## ") or line.startswith("### ")
                or line.startswith("#### ")]
    # subjects by file name (accounts before service); kinds sla, xla, volume, cost, risk; metrics in file order
    assert headings == [
        "## Index",
        "## Accounts (`sql/metrics/accounts.yml`)",
        "### Volume",
        "#### Accounts served (`accounts_served`)",
        "### Risk",
        "#### Churned accounts (`churned_accounts`)",
        "## Service (`sql/metrics/service.yml`)",
        "### SLA: service levels promised",
        "#### Answer rate (`answer_rate`)",
        "### XLA: experience as the customer lives it",
        "#### Wait time (`wait_time`)",
        "### Volume",
        "#### Contacts (`contacts`)",
    ]


def test_a_card_carries_every_field(tmp_path: Path) -> None:
    text = render_catalog(load_catalog(_write_catalog(tmp_path / "metrics")))
    card = text.split("#### Answer rate (`answer_rate`)")[1].split("####")[0]
    assert "About answer_rate." in card
    # the pipe in the catalog's formula text is escaped so the table holds
    assert "| Formula | answered within 20 s \\| offered `sum(count_answer_rate) / sum(count_offered)` |" in card
    assert "| Unit | rate (share from 0 to 1, shown as a percentage) |" in card
    assert "| Direction | higher is better |" in card
    assert "| Default target | 80% |" in card
    assert "| Grain | day |" in card
    assert "| Mart | `marts.test_daily` |" in card
    assert "| CI method | wilson: " in card and "Newcombe" in card
    assert "| Minimum cases | 40 |" in card
    assert "| Source | Our own. |" in card
    assert "| Version | 1 |" in card
    assert "- `strict` **(default)**: abandons counted" in card
    # a variant naming its own columns shows its formula
    assert "- `lenient`: abandons left out `sum(count_answer_rate) / sum(count_answered)`" in card
    wait = text.split("#### Wait time (`wait_time`)")[1].split("####")[0]
    assert "| Sum of squares | `sum_wait_seconds_squared` (for the interval of the mean) |" in wait
    assert "| Default target | 5,400 s (1 h 30 min) |" in wait  # 5,400 s = 3,600 + 30 x 60
    assert "| Minimum cases | the `[metrics] min_cases` setting (default 30) |" in wait
    assert "Variants" not in wait


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    folder = _write_catalog(tmp_path / "metrics")
    first = render_catalog(load_catalog(folder))
    load_catalog.cache_clear()
    assert render_catalog(load_catalog(folder)) == first


@pytest.mark.parametrize(("unit", "target", "shown"), [
    ("rate", 0.855, "85.5%"),
    ("rate", 0.05, "5%"),
    ("seconds", 20, "20 s"),
    ("seconds", 90_000, "90,000 s (1 d 1 h)"),  # 86,400 + 3,600
    ("money", 1234.5, "1,234.50"),
    ("score", 0.05, "0.05"),
    ("ces", 5, "5"),
    ("count", None, "none"),
])
def test_format_target(unit: str, target: float | None, shown: str) -> None:
    metric = next(iter(load_catalog().values()))
    assert format_target(replace(metric, unit=unit, target=target)) == shown


def test_formula_of_a_count_has_no_denominator(tmp_path: Path) -> None:
    catalog = load_catalog(_write_catalog(tmp_path / "metrics"))
    assert formula_of(catalog["contacts"]) == "sum(count_contacts)"


# --- the command -------------------------------------------------------------------------------------------

def test_catalog_prints_markdown() -> None:
    result = runner.invoke(app, ["catalog"])
    assert result.exit_code == 0, result.output
    assert result.stdout == catalog_markdown()


def test_catalog_writes_then_checks(tmp_path: Path) -> None:
    path = tmp_path / "docs" / "metrics.md"
    assert runner.invoke(app, ["catalog", "--check", str(path)]).exit_code == 1  # missing is stale
    written = runner.invoke(app, ["catalog", "--markdown", str(path)])
    assert written.exit_code == 0, written.output
    assert path.read_text(encoding="utf-8") == catalog_markdown()
    assert not is_stale(path)
    assert runner.invoke(app, ["catalog", "--check", str(path)]).exit_code == 0
    path.write_text(path.read_text(encoding="utf-8") + "hand edit\n", encoding="utf-8")
    stale = runner.invoke(app, ["catalog", "--check", str(path)])
    assert stale.exit_code == 1
    assert "out of date" in stale.output


def test_a_broken_catalog_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> str:
        raise CatalogError("service.yml: metric x: unit 'percent' not in [...]")

    monkeypatch.setattr(catalog_docs, "catalog_markdown", broken)
    result = runner.invoke(app, ["catalog"])
    assert result.exit_code == 2
    assert "unit 'percent'" in result.output


def test_a_card_says_which_evidence_the_metric_needs() -> None:
    card = render_metric(load_catalog()["negative_start_recovery_rate"])
    assert "| Evidence needed | contacts with at least two customer messages" in card
    assert "rule `two_customer_messages`" in card
    assert "not measured — every contact holds a single customer message" in card
