"""The root URL (the app's default page, hidden from the menu): opens the landing page, the Executive review,
at its own URL (/executive), keeping the query parameters (the filters of a shared link).

The path is relative to dashboard/app.py, as st.switch_page wants it (app.LANDING_SCRIPT names the same file).
"""

import streamlit as st

st.switch_page("app_pages/executive/page.py",
               query_params={key: st.query_params.get_all(key) for key in st.query_params})
