"""A hand-edited or mangled link answers with a page or a 404, never a server error."""

from __future__ import annotations

import pytest

from hocvuso.core.http import id_param


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("", None),
        (None, None),
        ("abc", None),
        ("²", None),
        ("0", None),
        ("99999999999999999999", None),
        ("-3", None),
    ],
)
def test_an_id_in_a_query_string_is_a_row_id_or_nothing(text, expected):
    assert id_param(text) == expected


@pytest.mark.parametrize(
    "query", ["?unit=99999999999999999999999", "?unit=²", "?unit=x&year=99999999999999999999"]
)
def test_report_pages_survive_a_mangled_unit_or_year(client, coordinator, dataset, query):
    client.force_login(coordinator)
    for url in [
        f"/reports/forms/{dataset.pk}/",
        f"/reports/forms/{dataset.pk}/template.xlsx",
        "/reports/dashboard/",
        "/reports/pivot/",
        "/reports/indicators/",
        "/reports/results/",
        "/fieldwork/",
    ]:
        assert client.get(url + query).status_code in (200, 302, 404), url
