"""The contact exports of ../shared/data as a new user would load them: each through its shipped mapping
(mappings/), ABCD through the `transcripts` connector. VADER's rated sentences and BANKING77's intents are not
contact exports (no contacts, times or channels); the sentiment and intent tests read them directly.

    python -m tests.realdata.datasets FOLDER helpdesk [twitter ...]

writes FOLDER/cxpulse.toml for those data sets with a DuckDB warehouse in FOLDER (used by the browser suite).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
MAPPINGS = REPO_ROOT / "mappings"
HELPDESK = SHARED_DATA / "helpdesk_italian" / "finale.csv"
TWITTER = SHARED_DATA / "twcs_random5000" / "twcs_small.csv"
CALLCENTER = SHARED_DATA / "callcenter_interval_kaggle" / "call_center_data_raw.csv"
ABCD = SHARED_DATA / "abcd_sample" / "abcd_sample.json"
# The taxonomy of these deployments: the starter pack plus the help-desk log's product codes (see its comments).
REAL_TAXONOMY = MAPPINGS / "helpdesk_italian_intents.yml"
REAL_SOURCES: dict[str, dict[str, str]] = {
    "helpdesk": {"format": "mapped", "path": str(HELPDESK), "mapping": str(MAPPINGS / "helpdesk_italian.yml")},
    "twitter": {"format": "mapped", "path": str(TWITTER), "mapping": str(MAPPINGS / "twcs.yml")},
    "callcenter": {"format": "mapped", "path": str(CALLCENTER), "mapping": str(MAPPINGS / "callcenter_interval.yml")},
    "abcd": {"format": "transcripts", "path": str(ABCD)},
}


def source_entries(names: list[str] | None = None) -> list[dict[str, str]]:
    """`[[sources]]` entries, named after their data set."""
    return [{"name": name, **REAL_SOURCES[name]} for name in (names or list(REAL_SOURCES))]


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def config_text(warehouse_url: str, names: list[str]) -> str:
    lines = ["[warehouse]", f"url = {_toml_string(warehouse_url)}", "",
             "[intents]", f"taxonomy = {_toml_string(str(REAL_TAXONOMY))}", ""]
    for entry in source_entries(names):
        lines.append("[[sources]]")
        lines += [f"{key} = {_toml_string(value)}" for key, value in entry.items()]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or any(name not in REAL_SOURCES for name in argv[1:]):
        print(f"usage: python -m tests.realdata.datasets FOLDER {{{','.join(REAL_SOURCES)}}}...", file=sys.stderr)
        return 2
    folder = Path(argv[0]).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cxpulse.toml").write_text(config_text(f"duckdb:///{folder / 'real.duckdb'}", argv[1:]),
                                         encoding="utf-8")
    print(folder / "cxpulse.toml")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
