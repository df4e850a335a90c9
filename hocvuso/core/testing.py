"""pytest plugin loaded with ``-p`` before pytest-django reads the settings.

It only switches on development mode, so the suite needs no secret or database server;
``DATABASE_URL`` still chooses PostgreSQL when CI sets it.
"""

from __future__ import annotations

import os

os.environ.setdefault("HOCVUSO_DEV", "1")
os.environ.pop("REDIS_URL", None)  # tests must not depend on a Redis being up
# A live-server thread holding a persistent connection would block dropping the test database.
os.environ["DATABASE_CONN_MAX_AGE"] = "0"
os.environ["DATABASE_POOL"] = "0"  # nor a pool
