"""Pages of the communications app, one module per part (see urls.py)."""
