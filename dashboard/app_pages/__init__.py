"""One folder per page: its script (page.py), view, queries and charts side by side."""
