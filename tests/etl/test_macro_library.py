"""The runner's macro library: every `sql/macros/*.sql` file's `{% macro %}` definitions are available in every
model (etl.build.macro_library), and a name defined twice is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.build import BuildError, discover_models, macro_library, render_model
from tests.conftest import FIXTURES, make_settings


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _models_yml(names: list[str]) -> str:
    return "models:\n" + "".join(f"  - name: {name}\n    grain: one row per order\n" for name in names)


@pytest.fixture
def sql_dir(tmp_path: Path) -> Path:
    root = tmp_path / "sql"
    _write(root / "staging" / "_models.yml", _models_yml(["stg_orders"]))
    _write(root / "staging" / "stg_orders.sql", "select * from {{ source('canonical', 'orders') }}\n")
    _write(root / "core" / "_models.yml", _models_yml(["fct_orders"]))
    _write(root / "core" / "fct_orders.sql", "select {{ order_columns('o') }} from {{ orders_of() }} as o\n")
    _write(root / "macros" / "columns.sql",
           "{% macro order_columns(alias) %}{{ alias }}.order_id, {{ alias }}.amount{% endmacro %}\n")
    _write(root / "macros" / "inputs.sql", "{% macro orders_of() %}{{ ref('stg_orders') }}{% endmacro %}\n")
    return root


def test_a_model_renders_with_macros_from_several_files_and_their_refs_count(sql_dir: Path) -> None:
    settings = make_settings("duckdb:///unused.duckdb", FIXTURES / "canonical_small")
    models = discover_models(settings, "duckdb", sql_dir)
    assert models["fct_orders"].depends_on == frozenset({"stg_orders"})
    rendered = render_model(models["fct_orders"], models, settings, "duckdb", sql_dir=sql_dir)
    assert rendered == "select o.order_id, o.amount from staging.stg_orders__next as o\n"


def test_a_macro_defined_in_two_files_is_refused_with_both_names(sql_dir: Path) -> None:
    _write(sql_dir / "macros" / "more_columns.sql", "{% macro order_columns(alias) %}{{ alias }}.*{% endmacro %}\n")
    with pytest.raises(BuildError, match=r"order_columns is defined in both columns\.sql and more_columns\.sql"):
        macro_library(sql_dir)


def test_a_macro_may_not_shadow_the_runners_own_functions(sql_dir: Path) -> None:
    _write(sql_dir / "macros" / "shadow.sql", "{% macro ref(name) %}{{ name }}{% endmacro %}\n")
    settings = make_settings("duckdb:///unused.duckdb", FIXTURES / "canonical_small")
    with pytest.raises(BuildError, match="ref"):
        discover_models(settings, "duckdb", sql_dir)
