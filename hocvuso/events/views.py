from __future__ import annotations

# --- Managing events (list, create, bridge points, quotas, delegates, registries)

# --- Live: the bridge-point screen (secret link, no account) and the control room

# --- Reports
