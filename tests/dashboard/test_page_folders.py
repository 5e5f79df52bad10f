"""One folder per page: dashboard/app_pages/<page>/ holds the page's script and view; nothing named pages/."""

from __future__ import annotations

from tests.dashboard.conftest import APP

PAGES_DIR = APP.parent / "app_pages"


def test_no_pages_folder_beside_the_entry_script() -> None:
    # Streamlit would run a pages/ folder beside app.py as a version-1 multipage app instead of the router.
    assert not (APP.parent / "pages").exists()


def test_every_page_folder_has_its_script_and_view_and_is_routed() -> None:
    router = APP.read_text(encoding="utf-8")
    folders = sorted(p for p in PAGES_DIR.iterdir() if p.is_dir() and not p.name.startswith("__"))
    assert len(folders) >= 13
    for folder in folders:
        assert (folder / "page.py").is_file(), folder.name
        assert folder.name == "home" or (folder / "view.py").is_file(), folder.name
        assert f"{{PAGES_DIR}}/{folder.name}/page.py" in router, folder.name
