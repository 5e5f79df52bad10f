"""Real-browser checks of the dashboard (Playwright driving the system Chromium): `python -m tests.browser.suite`."""
