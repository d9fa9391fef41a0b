"""Pages and helpers of the wfm app (``apps/streamlit_app.py`` puts ``apps/`` on the path)."""
