"""Issue 6, analysis: the public statistics page — open to anyone, only public numeric
indicators, only the province and its communes, cached for a few minutes."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from hocvuso.reports.models import Indicator
from hocvuso.reports.tests.test_pivot import save

STATISTICS = reverse("statistics:index")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _november_2025():
    with time_machine.travel(datetime.datetime(2025, 11, 15, 3, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def public(dataset, tree, october, indicators):
    """The adults and the share are public; the guided count is not; the free-text note is
    marked public but must never show (a text answer can name a person)."""
    codes = ["t-adults", "t-share", "t-note"]
    Indicator.objects.filter(code__in=codes).update(is_public=True)
    save(dataset, tree.hoalu_village, october, adults="100", skilled="90", guided="7")
    save(dataset, tree.hoalu, october, adults="300", skilled="150", note="Ông Nguyễn Văn A")
    save(dataset, tree.namhoalu_village, october, adults="600", skilled="300")
    return tree


def test_anyone_sees_the_public_figures_of_the_province_and_its_communes(client, public):
    response = client.get(STATISTICS)
    assert response.status_code == 200
    page = response.text
    assert "Tỉnh Ninh Bình" in page
    assert "Phường Hoa Lư" in page
    assert "Phường Nam Hoa Lư" in page
    assert "1.000" in page  # the province's adults in 2025
    assert "54%" in page  # the province's share: a ratio of sums
    assert "Người trưởng thành" in page
    assert "Người được hướng dẫn" not in page  # not public
    assert "Khó khăn" not in page
    assert "Nguyễn Văn A" not in page
    assert "Tổ dân phố số 1" not in page  # villages are not shown
    assert "Sở Khoa học và Công nghệ" not in page  # nor agencies
    # A public indicator nobody has reported on is left out rather than shown empty.
    assert "Tỷ lệ người lao động trong doanh nghiệp" not in page


def test_the_page_is_cached_for_a_few_minutes(
    client, public, dataset, october, django_assert_num_queries
):
    assert "1.000" in client.get(STATISTICS).text
    save(dataset, public.namhoalu_village, october, adults="1600")
    with django_assert_num_queries(0):
        page = client.get(STATISTICS).text
    assert "1.000" in page
    with time_machine.travel(datetime.datetime(2025, 11, 15, 3, 6, tzinfo=datetime.UTC)):
        assert "2.000" in client.get(STATISTICS).text


def test_only_a_province_can_be_asked_for(client, public):
    assert client.get(STATISTICS, {"province": public.hoalu.pk}).status_code == 404
    assert client.get(STATISTICS, {"province": public.province.pk}).status_code == 200


def test_the_login_page_links_to_the_statistics(client, db):
    assert f'href="{STATISTICS}"' in client.get(reverse("accounts:login")).text
