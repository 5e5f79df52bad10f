"""Which layer of the model graph may read which (pure): the graph runs one way, from raw files to the pages.

- staging reads raw tables only (`source(...)`, seeds): one raw table, typed and renamed, one model;
- intermediate reads staging and intermediate: unions across vendors, identity, business time, and one vendor
  record assembled from several raw tables;
- core reads intermediate and core, and carries what the marts need;
- marts read core only: each a `group by` over core, never over another mart or an intermediate model;
- audit (data-quality reports, built into `ops`) reads staging, intermediate and core: it reports what the
  assembly dropped or could not map, so it must see the records before and after assembly; nothing reads it.

A layer is the first folder under `sql/` (etl.build.LAYER_SCHEMAS names them).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from pathlib import Path

ALLOWED_READS: dict[str, frozenset[str]] = {
    "staging": frozenset(),
    "intermediate": frozenset({"staging", "intermediate"}),
    "core": frozenset({"intermediate", "core"}),
    "marts": frozenset({"core"}),
    "audit": frozenset({"staging", "intermediate", "core"}),
}
"""Layer -> the layers its models may `ref()`."""


@dataclass(frozen=True, order=True)
class LayerViolation:
    model: str
    layer: str
    reads: str
    reads_layer: str

    def __str__(self) -> str:
        return f"{self.model} ({self.layer}) reads {self.reads} ({self.reads_layer})"


def layer_of(model_path: Path, sql_dir: Path) -> str:
    """The layer of a model file: its first folder under sql_dir."""
    return model_path.relative_to(sql_dir).parts[0]


def layer_violations(layers: Mapping[str, str], reads: Mapping[str, Set[str]]) -> list[LayerViolation]:
    """Every reference from a model to a model of a layer its own layer may not read, sorted.

    `layers` maps each model to its layer, `reads` each model to the models it refers to. A layer missing from
    ALLOWED_READS is an error, so a new folder under sql/ must state its rule here first."""
    unknown = sorted(set(layers.values()) - set(ALLOWED_READS))
    if unknown:
        raise ValueError(f"no reading rule for layer(s) {', '.join(unknown)} (etl/model_layers.py ALLOWED_READS)")
    found = [
        LayerViolation(model, layers[model], target, layers[target])
        for model, targets in reads.items()
        for target in targets
        if layers[target] not in ALLOWED_READS[layers[model]]
    ]
    return sorted(found)
