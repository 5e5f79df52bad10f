"""One folder per page: dashboard/app_pages/<page>/ holds the page's script and view; nothing named pages/."""

from __future__ import annotations

from tests.browser.page_discovery import app_pages
from tests.dashboard.conftest import APP


def test_no_pages_folder_beside_the_entry_script() -> None:
    # Streamlit would run a pages/ folder beside app.py as a version-1 multipage app instead of the router.
    assert not (APP.parent / "pages").exists()


def test_every_menu_page_is_a_folder_with_its_script_and_view() -> None:
    pages = app_pages()
    assert len(pages) >= 12
    for page in pages:
        script = APP.parent / page.script
        assert script.is_file(), page.script
        if script.parent.name != "home":
            assert (script.parent / "view.py").is_file(), page.script
            assert script.name == "page.py"
