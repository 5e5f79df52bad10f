"""No request leaves the machine from a page (issue 13): what Streamlit's frontend would fetch from the internet
is kept off. Checked on the sources and the installed Streamlit bundle, no browser needed."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import streamlit
from streamlit.commands.page_config import _get_favicon_string

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"
FRONTEND = Path(streamlit.__file__).parent / "static"


def _page_icons() -> list[object]:
    """Every page_icon= argument in the dashboard's sources: a literal, or the literal a module-level name holds."""
    icons: list[object] = []
    for source in DASHBOARD.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        constants = {node.targets[0].id: node.value.value for node in tree.body
                     if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                     and isinstance(node.targets[0], ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "page_icon":
                if isinstance(node.value, ast.Constant):
                    icons.append(node.value.value)
                elif isinstance(node.value, ast.Name):
                    icons.append(constants.get(node.value.id, node.value.id))
                else:
                    icons.append(ast.dump(node.value))
    return icons


def test_the_favicon_is_an_inline_emoji_not_a_material_icon_from_fonts_gstatic() -> None:
    icons = _page_icons()
    assert icons == ["📊"]
    assert _get_favicon_string("📊") == "emoji:📊"  # the frontend draws it as a data: URL


def test_streamlits_frontend_fetches_a_material_favicon_from_google_which_is_why() -> None:
    """The reason above, on the installed version: a ":material/...:" favicon is an https URL on fonts.gstatic.com,
    while the Material Symbols font of the page itself ships in Streamlit's static files."""
    bundle = "".join(path.read_text(encoding="utf-8") for path in (FRONTEND / "static" / "js").glob("index.*.js"))
    assert "https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/" in bundle
    assert list((FRONTEND / "static" / "media").glob("MaterialSymbols-Rounded.*.woff2"))


def test_usage_statistics_are_off() -> None:
    """With gatherUsageStats false the frontend never fetches data.streamlit.io/metrics.json nor sends events."""
    assert tomllib.loads(CONFIG.read_text(encoding="utf-8"))["browser"]["gatherUsageStats"] is False
