"""Reconciliation of the vendors' own figures with cxpulse's, on DuckDB and PostgreSQL, over three fixtures
loaded together (docs/reconciliation.md). Tolerance: durations agree within max(60 s, 1% of the vendor's
value), counts exactly; a vendor figure absent where cxpulse counts 0 agrees.

Zendesk (tests/fixtures/zendesk_api, hand-worked in tests/sql/test_zendesk_api_pipeline.py), per figure x basis:
  first_reply calendar: 50001 2,400 = 40 min; 50002 3,600 = 60 min; 50003 cxpulse 330 s vs Zendesk's whole
    5 min = 300 s: 30 s apart, within 60 s -> agree; 50004 Zendesk 15 min, no comment exported -> a missing
    event. 4 records, 3 agree.
  first_reply business: 50001, 50002 agree; 50003 no business figure from Zendesk -> missing vendor figure;
    50004 a missing event. 4 records, 2 agree.
  first_resolution calendar and business: 50001 120 min = 7,200 s, 50004 60 min = 3,600 s agree; 50002 was
    reopened, its first solve is not exported -> a reopen. 3 records, 2 agree (each basis).
  full_resolution calendar: 7,200; 1,440 min = 86,400; 3,600 -> 3 of 3 agree.
  full_resolution business: 50002 Zendesk 480 business minutes (its 09-17 schedule: 10:00-17:00 + 09:00-10:00)
    = 28,800 s vs cxpulse's 24x7 calendar 86,400 s, while the calendar figures agree -> different calendar.
    3 records, 2 agree.
  reopens: 0, 1, 0, 0 on both sides -> 4 of 4.
  requester_wait, agent_wait, on_hold (both bases) and replies: cxpulse has no counterpart -> not compared.
  Zendesk: 24 records, 3 + 2 + 2 + 2 + 3 + 2 + 4 = 18 agree, 6 disagreements.
Amazon Connect (tests/fixtures/amazon_connect_journeys, copied with two Queue.Duration values changed):
  queue_wait: journey a1 48 + 95 = 143 and b2 240 agree; d4's Queue.Duration set 6 -> 90 while its timestamps
  say 6 s: 84 s apart -> values differ; e5's set 20 -> 50: 30 s apart -> agree. 4 records, 3 agree.
  talk, hold, acw, handle, transfers: 6 journeys each, all agree (30 records).
  Connect: 34 records, 33 agree.
Genesys (tests/fixtures/genesys_surveys, copied with G1's tAcd 18000 ms -> 95000 ms):
  queue_wait: G1 tAcd 95 s vs its acd segment 09:00:10-09:00:28 = 18 s: 77 s apart -> values differ; G3 55 = 55
  agree. 2 records, 1 agrees. talk, acw, handle: 3 each agree; hold: G1 40 = 40, G2 and G3 no tHeld and 0 held
  -> agree (3); transfers: G3 1 = 1, G1 and G2 no nTransferred and 0 -> agree (3). Genesys: 17 records, 16 agree.
All: 75 records, 67 agree, 8 disagreements.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.pipeline import SUCCEEDED, run_pipeline
from tests.conftest import FIXTURES, make_settings, query_frame

CONNECT_D = "amazon_connect:d4000000-0000-4000-8000-000000000001"
GENESYS_G1 = "genesys:9b1e0000-0000-4000-8000-000000000001"
Z = "zendesk:ticket:"


def _copy_with(source: Path, target: Path, file_name: str, replacements: list[tuple[str, str]]) -> Path:
    shutil.copytree(source, target)
    path = target / file_name
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return target


def _sources(folder: Path) -> list[dict[str, str]]:
    connect = _copy_with(FIXTURES / "amazon_connect_journeys", folder / "connect",
                         "connect-ctr-journeys-2026-05-05.jsonl",
                         [('"Duration":6', '"Duration":90'), ('"Duration":20', '"Duration":50')])
    genesys = _copy_with(FIXTURES / "genesys_surveys", folder / "genesys", "conversations-2026-06-04.jsonl",
                         [('"tAcd","value":18000', '"tAcd","value":95000')])
    return [
        {"name": "zendesk_api", "format": "zendesk", "path": str(FIXTURES / "zendesk_api")},
        {"name": "connect", "format": "amazon_connect", "path": str(connect)},
        {"name": "genesys", "format": "genesys", "path": str(genesys)},
    ]


@pytest.fixture(scope="module")
def reconciled(module_warehouse_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("vendors")
    settings = make_settings(module_warehouse_url, FIXTURES / "zendesk_api", "zendesk", sources=_sources(folder))
    result = run_pipeline(settings, "run")
    assert result.status == SUCCEEDED, result.problems
    return module_warehouse_url


def _summary(url: str) -> pd.DataFrame:
    return query_frame(url, "select * from marts.reconciliation_summary").set_index(
        ["source_system", "figure_name", "figure_basis"])


def test_zendesk_agreement_per_figure(reconciled: str) -> None:
    zendesk = _summary(reconciled).loc["zendesk"]
    counts = {key: (int(row.count_records), int(row.count_agreeing)) for key, row in zendesk.iterrows()
              if pd.isna(row.not_compared_reason)}
    assert counts == {
        ("first_reply", "calendar"): (4, 3), ("first_reply", "business"): (4, 2),
        ("first_resolution", "calendar"): (3, 2), ("first_resolution", "business"): (3, 2),
        ("full_resolution", "calendar"): (3, 3), ("full_resolution", "business"): (3, 2),
        ("reopens", "none"): (4, 4),
    }
    assert zendesk.loc[("first_reply", "calendar"), "agreement_rate"] == pytest.approx(3 / 4)
    not_compared = zendesk[zendesk["not_compared_reason"].notna()]
    assert sorted(not_compared.index) == sorted(
        [(name, basis) for name in ("requester_wait", "agent_wait", "on_hold") for basis in ("calendar", "business")]
        + [("replies", "none")])
    assert not_compared["agreement_rate"].isna().all()
    assert (not_compared["count_records"] == 0).all()


def test_every_disagreement_is_listed_with_its_cause(reconciled: str) -> None:
    rows = query_frame(
        reconciled,
        "select source_system, figure_name, figure_basis, interaction_id, disagreement_cause"
        " from core.reconciliation_vendor_figures where not is_agreeing",
    )
    got = sorted(rows.itertuples(index=False, name=None))
    assert got == sorted([
        ("zendesk", "first_reply", "business", f"{Z}50003", "missing vendor figure"),
        ("zendesk", "first_reply", "business", f"{Z}50004", "a missing event"),
        ("zendesk", "first_reply", "calendar", f"{Z}50004", "a missing event"),
        ("zendesk", "first_resolution", "business", f"{Z}50002", "a reopen"),
        ("zendesk", "first_resolution", "calendar", f"{Z}50002", "a reopen"),
        ("zendesk", "full_resolution", "business", f"{Z}50002", "different calendar"),
        ("amazon_connect", "queue_wait", "none", CONNECT_D, "values differ"),
        ("genesys", "queue_wait", "none", GENESYS_G1, "values differ"),
    ])


def test_connect_and_genesys_agreement_and_totals(reconciled: str) -> None:
    summary = _summary(reconciled)
    connect, genesys = summary.loc["amazon_connect"], summary.loc["genesys"]
    assert (int(connect.loc[("queue_wait", "none"), "count_records"]),
            int(connect.loc[("queue_wait", "none"), "count_agreeing"])) == (4, 3)
    assert (int(genesys.loc[("queue_wait", "none"), "count_records"]),
            int(genesys.loc[("queue_wait", "none"), "count_agreeing"])) == (2, 1)
    totals = summary.groupby(level=0)[["count_records", "count_agreeing"]].sum().astype(int)
    assert totals.to_dict("index") == {
        "amazon_connect": {"count_records": 34, "count_agreeing": 33},
        "genesys": {"count_records": 17, "count_agreeing": 16},
        "zendesk": {"count_records": 24, "count_agreeing": 18},
    }
    differ = query_frame(
        reconciled,
        "select interaction_id, vendor_value, cxpulse_value, difference_value, tolerance_value"
        " from core.reconciliation_vendor_figures where disagreement_cause = 'values differ'",
    ).set_index("interaction_id")
    # Connect d4: Queue.Duration 90 vs timestamps 6 -> -84; Genesys G1: tAcd 95 vs segment 18 -> -77; tolerance 60
    assert differ.loc[CONNECT_D, ["vendor_value", "cxpulse_value", "difference_value", "tolerance_value"]].tolist() \
        == [90.0, 6.0, -84.0, 60.0]
    assert differ.loc[GENESYS_G1, ["vendor_value", "cxpulse_value", "difference_value"]].tolist() == [95.0, 18.0, -77.0]


def test_cxpulse_reconcile_prints_the_summary_and_disagreements(reconciled: str, tmp_path: Path) -> None:
    config = tmp_path / "cxpulse.toml"
    config.write_text(f'[warehouse]\nurl = "{reconciled}"\n\n[[sources]]\nname = "z"\nformat = "zendesk"\n'
                      f'path = "{FIXTURES / "zendesk_api"}"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["reconcile", "--config", str(config)], terminal_width=250)
    assert result.exit_code == 0, result.output
    assert "Disagreements (8)" in result.output
    assert "75.0%" in result.output  # Zendesk first reply, calendar: 3 of 4
    assert "different calendar" in result.output and "a missing event" in result.output
    assert "not measured — cxpulse computes no own figure for it: zendesk agent_wait (business)" in result.output
    assert "zendesk replies (none)" in result.output
