"""Forms of the communications app: each parses what a person typed; the services check it
whole and save it."""

from __future__ import annotations

# --- Campaigns (views/campaigns.py)

# --- Outputs (views/outputs.py)

# --- Imports (views/imports.py)
