"""The escalations page: page.py (the script st.navigation runs), view.py (what it shows),
queries.py and charts.py where the page has its own."""
