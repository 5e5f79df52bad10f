"""Page script run by st.navigation (a file, so that AppTest can switch to it); the page lives in dashboard.views."""

from dashboard.views import intent_discovery

intent_discovery.render()
