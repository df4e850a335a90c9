"""Settings for one transaction that writes a whole file at once (a million rows).

PostgreSQL's defaults suit many small queries: 4 MB to sort or hash in (a million staged rows
spill to disk), and just-in-time compilation of any plan its estimates call expensive — the
estimates of tables a transaction has just filled are stale, and compiling the learning
summaries' refresh after a platform import took 1.2 s of its 3.8 s (measured, 300,000 rows).
"""

from __future__ import annotations

from django.db import connection

BULK_WORK_MEM = "64MB"


def tune_for_bulk() -> None:
    """For the rest of the current transaction only (``SET LOCAL``): sort and hash in memory,
    and no just-in-time compilation. Nothing to do on SQLite."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{BULK_WORK_MEM}'")
        cursor.execute("SET LOCAL jit = off")


def analyse(*models: type) -> None:
    """Refresh the planner's statistics of tables just filled in this transaction (ANALYZE
    counts this transaction's own rows), so the statements after a bulk write choose hash
    joins over a million index probes. Autovacuum would, but only after the commit."""
    if connection.vendor != "postgresql" or not models:
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
