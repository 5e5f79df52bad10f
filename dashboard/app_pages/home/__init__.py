"""The root URL: opens the Executive review at its own URL (page.py)."""
