"""The board's tallies (``OutputTally``): each write of an output adds or takes away its
counts in the writer's transaction; ``refresh_tallies`` recomputes a campaign's from its
outputs (after a bulk load, or to repair)."""

from __future__ import annotations

from django.db import connection, transaction

from hocvuso.communications.models import Output, OutputTally


def add_to_tally(output: Output, sign: int = 1) -> None:
    """Count ``output`` in its tally (``sign`` -1: take it away). One upsert, on either
    database (``INSERT … ON CONFLICT … DO UPDATE`` adding to what is there)."""
    table = connection.ops.quote_name(OutputTally._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, unit_id, channel_id, outputs, quantity, hashtag) "  # noqa: S608 — the table from the model, values bound
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (campaign_id, unit_id, channel_id) "
            "DO UPDATE SET outputs = "
            f"{table}.outputs + excluded.outputs, quantity = {table}.quantity + excluded.quantity, "
            f"hashtag = {table}.hashtag + excluded.hashtag",
            [
                output.campaign_id,
                output.unit_id,
                output.channel_id,
                sign,
                sign * (output.quantity or 0),
                sign * int(bool(output.hashtag_used)),
            ],
        )


@transaction.atomic
def refresh_tallies(campaign_id: int) -> int:
    """Recompute a campaign's tallies from its outputs; returns how many there are."""
    OutputTally.objects.filter(campaign_id=campaign_id).delete()
    table = connection.ops.quote_name(OutputTally._meta.db_table)
    outputs = connection.ops.quote_name(Output._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, unit_id, channel_id, outputs, quantity, hashtag) "  # noqa: S608 — tables from the models, values bound
            "SELECT campaign_id, unit_id, channel_id, COUNT(*), SUM(quantity), "
            f"SUM(CASE WHEN hashtag_used THEN 1 ELSE 0 END) FROM {outputs} "
            "WHERE campaign_id = %s GROUP BY campaign_id, unit_id, channel_id",
            [campaign_id],
        )
        return cursor.rowcount
