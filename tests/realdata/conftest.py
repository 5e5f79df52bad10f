"""One warehouse holding every contact export of ../shared/data (tests/realdata/datasets.py), built once per engine
and test session by the real pipeline (`run`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from etl.pipeline import SUCCEEDED, run_pipeline
from tests.conftest import REPO_ROOT, empty_warehouse, make_settings
from tests.realdata.datasets import HELPDESK, REAL_TAXONOMY, source_entries


def build_real_warehouse(url: str) -> str:
    settings = make_settings(url, HELPDESK, sources=source_entries(), intents={"taxonomy": str(REAL_TAXONOMY)})
    result = run_pipeline(settings, "run")
    assert result.status == SUCCEEDED, result.problems
    assert result.rows_rejected == 0
    return url


@pytest.fixture(scope="session", params=["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)])
def real_warehouse_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Every contact export of ../shared/data in one warehouse, once per engine."""
    with empty_warehouse(request.param, tmp_path_factory, "real") as url:
        yield build_real_warehouse(url)


def app_on(monkeypatch: pytest.MonkeyPatch, url: str, page: str, params: dict[str, str] | None = None) -> AppTest:
    """An AppTest of the dashboard on `url`, switched to `page` (dashboard/app_pages/<page>/page.py) with URL params."""
    monkeypatch.setenv("CXPULSE_WAREHOUSE_URL", url)
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=180)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{page}/page.py")
    return at.run()


def texts(elements: object) -> str:
    return " ".join(str(element.value) for element in elements)  # type: ignore[attr-defined]

