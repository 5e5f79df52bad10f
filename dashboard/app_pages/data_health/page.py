"""The script st.navigation runs for this page (a file, so that AppTest can switch to it); the page is view.py."""

from dashboard.app_pages.data_health import view

view.render()
