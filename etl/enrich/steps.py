"""Enrichment steps: Python work (scoring, statistical models) that reads freshly built models and writes
tables that later models read.

A step declares the models it reads and the tables it writes. The model runner (`etl.build`) places each step
in the build's dependency graph: a step runs as soon as the models it reads are built, and a model that
calls `{{ enriched('<name>') }}` is built after the step that writes `<name>`. Steps are found by discovery:
every module of `etl.enrich` that defines `STEPS` contributes its steps.

Every step's tables are created by its `ddl` at bootstrap, so models read them (empty) even when a build runs
without enrichment (`cxpulse build --no-enrich`). Each written row carries the version of the code or model that wrote
it, and the models read only the current version.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from etl.config import Settings
from etl.warehouse import Warehouse


@dataclass
class StepContext:
    warehouse: Warehouse
    settings: Settings
    table_of: Callable[[str], str]
    run_id: int
    progress: Callable[[int], None] | None = None
    # what each step reported, by step name (rows written, fitted model summaries...)
    reports: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class EnrichmentStep:
    name: str
    description: str
    reads: tuple[str, ...]
    writes: dict[str, str]
    ddl: tuple[str, ...]
    run: Callable[[StepContext], object]


def _discover() -> dict[str, EnrichmentStep]:
    import etl.enrich as package

    steps: dict[str, EnrichmentStep] = {}
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module_info.name == "steps":
            continue
        module = importlib.import_module(f"etl.enrich.{module_info.name}")
        for step in getattr(module, "STEPS", ()):
            if step.name in steps:
                raise ValueError(f"enrichment step {step.name} is declared twice")
            steps[step.name] = step
    return steps


@lru_cache(maxsize=1)
def all_steps() -> dict[str, EnrichmentStep]:
    """Every enrichment step, by name."""
    return _discover()


def enriched_tables() -> dict[str, str]:
    """Enriched name -> table, over every step."""
    tables: dict[str, str] = {}
    for step in all_steps().values():
        for name, table in step.writes.items():
            if name in tables:
                raise ValueError(f"enriched table {name} is written by two steps")
            tables[name] = table
    return tables


def step_writing(enriched_name: str) -> EnrichmentStep:
    for step in all_steps().values():
        if enriched_name in step.writes:
            return step
    raise KeyError(f"no enrichment step writes {enriched_name!r}")


def ensure_step_tables(warehouse: Warehouse) -> None:
    for step in all_steps().values():
        for statement in step.ddl:
            warehouse.execute(statement)
