"""What a new calibration costs: applying its thresholds in SQL over stored scores (what the build does) against
rescoring every message and handed-off conversation (what stamping the calibration into the scorers' versions
would cost).

    python bench/calibration_apply.py --scale 20000 [--warehouse duckdb:///path/to/built.duckdb]

Without --warehouse the demo's vendor exports are generated at `--scale` into a temporary folder and run
through the pipeline on DuckDB first (not timed). Then, on that warehouse, each a median of --repeats:
- "SQL: restatement threshold": create sql/intermediate/int_handoff_restatements_thresholded.sql under a
  calibration with another threshold (as the build does);
- "SQL: sentiment cut-offs": create sql/core/fct_message_sentiment.sql under other cut-offs;
- "rescore: customer sentiment": the customer-service scorer over every distinct customer message text
  (etl.enrich.sentiment.score_texts, 2 processes);
- "rescore: restatement": read every handed-off conversation's customer turns and classify each
  (etl.enrich.restatement.classify_with_shared), as the step does.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from etl.build import _template_env, discover_models
from etl.calibration import DetectorParameters
from etl.config import settings_from_mapping
from etl.enrich.restatement import _customer_turns_sql, classify_with_shared
from etl.enrich.sentiment import ADAPTED, score_texts
from etl.warehouse import Warehouse, open_writer

OTHER = DetectorParameters("cal-99", 0.42, -0.2, 0.3, 0.6)


def _median_seconds(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _demo_warehouse(scale: int, folder: Path) -> str:
    from etl.cli import write_demo_config
    from etl.config import load_settings
    from etl.demo.simulator import generate
    from etl.pipeline import run_pipeline

    exports = folder / "exports"
    generate(exports, scale=scale, seed=42)
    config = write_demo_config(folder, exports)
    result = run_pipeline(load_settings(config), "run")
    if result.exit_code not in (0, 1):
        raise SystemExit(f"demo run failed: {result.problems}")
    return load_settings(config).warehouse_url


def _create(warehouse: Warehouse, name: str, sql: str) -> None:
    warehouse.execute(f"drop table if exists staging.bench_{name}")
    warehouse.execute(f"create table staging.bench_{name} as {sql}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--warehouse", default=None)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.warehouse or _demo_warehouse(args.scale, Path(folder))
        settings = settings_from_mapping({"warehouse": {"url": url}}, Path(folder))
        with open_writer(url, command="bench") as warehouse:
            models = discover_models(settings, warehouse.dialect)
            env = _template_env(settings, warehouse.dialect, lambda n: models[n].table, set(), set(), list(models),
                                detectors=OTHER)

            def render(name: str) -> str:
                return env.from_string(models[name].path.read_text(encoding="utf-8")).render()

            customer = warehouse.query_df(
                "select distinct message_text from core.fct_messages where author_role = 'customer'")
            texts = customer["message_text"].astype(str).tolist()
            turns = warehouse.query_df(
                f"select t.interaction_id, t.message_text, t.is_after_handoff from"
                f" ({_customer_turns_sql('core.fct_interactions', 'core.fct_messages')}) t"
                " order by t.interaction_id, t.sent_at, t.message_id")

            def rescore_restatement() -> int:
                frame = warehouse.query_df(
                    f"select t.interaction_id, t.message_text, t.is_after_handoff from"
                    f" ({_customer_turns_sql('core.fct_interactions', 'core.fct_messages')}) t"
                    " order by t.interaction_id, t.sent_at, t.message_id")
                count = 0
                for _, group in frame.groupby("interaction_id", sort=False):
                    after = group["is_after_handoff"].astype(bool)
                    classify_with_shared(group.loc[~after, "message_text"].astype(str).tolist(),
                                         group.loc[after, "message_text"].astype(str).tolist())
                    count += 1
                return count

            rows = [
                ("SQL: restatement threshold", turns["interaction_id"].nunique(), _median_seconds(
                    lambda: _create(warehouse, "restatements", render("int_handoff_restatements_thresholded")),
                    args.repeats)),
                ("SQL: sentiment cut-offs", int(warehouse.scalar("select count(*) from core.fct_message_sentiment")),
                 _median_seconds(lambda: _create(warehouse, "sentiment", render("fct_message_sentiment")),
                                 args.repeats)),
                ("rescore: customer sentiment", len(texts),
                 _median_seconds(lambda: score_texts(texts, processes=2, scorer=ADAPTED), args.repeats)),
                ("rescore: restatement", turns["interaction_id"].nunique(),
                 _median_seconds(rescore_restatement, args.repeats)),
            ]
            for name in ("restatements", "sentiment"):
                warehouse.execute(f"drop table if exists staging.bench_{name}")
    print(f"{'method':32} {'rows':>10} {'seconds':>9}")
    for name, count, seconds in rows:
        print(f"{name:32} {count:>10,} {seconds:>9.3f}")


if __name__ == "__main__":
    main()
