"""The cxpulse dashboard: a Streamlit app over the warehouse's core and marts schemas."""
