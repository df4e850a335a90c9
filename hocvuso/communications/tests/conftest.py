"""Fixtures of the communications tests: a published campaign of the agency (standing in
for Sở VH&TT) addressed to every commune, with a weekly loudspeaker broadcast and one banner
expected of each; the agency's focal point manages it."""

from __future__ import annotations

import datetime

import pytest

from conftest import make_person
from hocvuso.communications.models import Channel
from hocvuso.communications.services import (
    ExpectationInput,
    OutputInput,
    TargetInput,
    create_campaign,
    publish_campaign,
    set_targets,
)
from hocvuso.core.roles import Role

START = datetime.date(2025, 10, 1)
END = datetime.date(2025, 11, 30)


def channel(code: str) -> Channel:
    return Channel.objects.get(code=code)


@pytest.fixture
def agency_focal_point(tree):
    return make_person("svhtt", Role.FOCAL_POINT, tree.agency)


@pytest.fixture
def draft(tree):
    campaign = create_campaign(
        actor=None,
        owner=tree.agency,
        title="Tuyên truyền Phong trào “Bình dân học vụ số”",
        starts_on=START,
        ends_on=END,
        hashtags="#BinhDanHocVuSo #ChuyenDoiSoNinhBinh",
        key_messages="Không ai bị bỏ lại phía sau trong tiến trình chuyển đổi số.",
    )
    set_targets(
        actor=None,
        campaign=campaign,
        targets=[
            TargetInput(
                unit_kind="commune",
                expectations=[
                    ExpectationInput(channel("loudspeaker"), 1, "week"),
                    ExpectationInput(channel("banner"), 1, "window"),
                ],
            )
        ],
    )
    return campaign


@pytest.fixture
def campaign(draft):
    return publish_campaign(actor=None, campaign=draft)


def output(title="Tin tuyên truyền", day=datetime.date(2025, 10, 10), **fields) -> OutputInput:
    return OutputInput(title=title, published_on=day, **fields)


@pytest.fixture
def today_in_window(time_machine):
    time_machine.move_to(datetime.datetime(2025, 11, 15, 9, 0, tzinfo=datetime.UTC))
