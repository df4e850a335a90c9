"""The demo's launch ceremony: seed 000 at every commune of Ninh Bình and its agencies."""

from __future__ import annotations

import pytest

from hocvuso.demo.services import load_demo
from hocvuso.events import selectors
from hocvuso.events.models import BridgePoint, Event
from hocvuso.events.selectors import event_tally


@pytest.mark.django_db
def test_the_demo_ceremony_has_a_province_of_bridge_points_some_late() -> None:
    load_demo()
    load_demo()  # idempotent
    event = Event.objects.get()
    tally = event_tally(event)
    assert event.hashtag == "#BinhDanHocVuSo"
    assert event.bridge_points.filter(is_main=True, host__kind="province").count() == 1
    communes = event.bridge_points.filter(host__kind="commune").count()
    assert communes >= 129
    assert event.bridge_points.filter(host__kind="agency").exists()
    assert sum(q.count for q in event.quotas.filter(parent=None)) == 500
    assert event.program.count() == 8
    assert tally.registration_closed
    registered = event.bridge_points.exclude(status=BridgePoint.Status.INVITED).count()
    assert 0.5 < registered / tally.points < 0.8
    assert tally.not_registered == tally.points - registered > 20
    assert event.quotas.filter(responsible__isnull=False).exists()
    assert tally.expected > 1000
    assert event.delegates.filter(rsvp="accepted").count() > event.delegates.count() / 2
    assert event.delegates.filter(rsvp="pending").exists()
    kinds = set(event.registry.values_list("kind", flat=True))
    assert kinds == {"booth", "parade", "signing"}
    assert event.registry.filter(kind="parade", unit__isnull=False).count() >= 4
    assert selectors.programme_overrun(event) == 0
    assert sum(row.planned_minutes for row in selectors.run_of_show(event)) == 90
