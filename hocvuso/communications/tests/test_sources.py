"""Issue 16, deliver 5: the outputs become computed indicators through the reports' one
source mechanism — by channel family and by kind, summed by the output's date in the subtree
of the unit that logged it — and the results report gains the communications section."""

from __future__ import annotations

import datetime

import pytest

from hocvuso.communications.models import Channel, Output
from hocvuso.communications.services import log_output, set_output_hidden
from hocvuso.communications.tests.conftest import channel, output
from hocvuso.reports import periods
from hocvuso.reports.models import Indicator
from hocvuso.reports.results import results_report
from hocvuso.reports.selectors import values_for
from hocvuso.reports.sources import SOURCES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today_in_window")]

OCTOBER = periods.month(2025, 10)
NOVEMBER = periods.month(2025, 11)
WINDOW = periods.campaign(2025, ((10, 1), (11, 30)))
CODES = {
    "comms-outputs": "communications.outputs",
    "comms-press": "communications.press",
    "comms-portal": "communications.portal",
    "comms-social": "communications.social",
    "comms-grassroots": "communications.grassroots",
    "comms-visual": "communications.visual",
    "comms-meetings": "communications.meetings",
    "comms-hashtag": "communications.hashtag",
}


def day(month: int, d: int) -> datetime.date:
    return datetime.date(2025, month, d)


@pytest.fixture
def logged(tree, campaign):
    """A campaign's outputs from the two wards and the agency that owns it, in October and
    November; one of them hidden from the public page (still counted)."""
    rows = [
        (
            tree.hoalu,
            output(
                "Bài đăng Facebook", day(10, 10), url="https://facebook.com/p/1", hashtag_used=True
            ),
        ),
        (
            tree.hoalu,
            output("Băng-rôn tại trụ sở", day(10, 12), channel=channel("banner"), quantity=12),
        ),
        (
            tree.hoalu,
            output("Phát thanh tuần 1", day(11, 2), channel=channel("loudspeaker"), quantity=3),
        ),
        (
            tree.hoalu,
            output("Hội nghị tuyên truyền", day(11, 3), channel=channel("meeting"), attendees=50),
        ),
        (
            tree.namhoalu,
            output("Bài trên báo", day(10, 20), channel=channel("newspaper"), hashtag_used=True),
        ),
        (
            tree.namhoalu,
            output("Tin trên cổng", day(11, 5), url="https://namhoalu.ninhbinh.gov.vn/1"),
        ),
        (tree.namhoalu, output("Màn hình LED", day(11, 6), channel=channel("led"), quantity=2)),
        (
            tree.agency,
            output(
                "Phóng sự truyền hình", day(10, 15), channel=channel("television"), kind="feature"
            ),
        ),
    ]
    saved = [
        log_output(actor=None, campaign=campaign, unit=unit, data=data)[0] for unit, data in rows
    ]
    set_output_hidden(actor=None, output=saved[5], hidden=True)
    return saved


def expected(outputs, unit, period, *, family=None, measure="count", hashtag=False, kind=None):
    """The figure computed by hand from the outputs themselves."""
    total = 0
    for o in outputs:
        if not (o.unit.path.startswith(unit.path) and period.contains(o.published_on)):
            continue
        if family and o.channel.family != family:
            continue
        if (hashtag and not o.hashtag_used) or (kind and o.kind != kind):
            continue
        total += 1 if measure == "count" else (getattr(o, measure) or 0)
    return total


def test_the_built_in_indicators_are_computed_from_the_outputs(tree, logged):
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=CODES)}
    assert {code: i.source for code, i in indicators.items()} == CODES
    assert all(i.is_computed and i.is_builtin for i in indicators.values())
    units = [tree.province, tree.hoalu, tree.namhoalu, tree.agency]
    figures = values_for(list(indicators.values()), units, [OCTOBER, NOVEMBER, WINDOW])
    outputs = list(Output.objects.select_related("unit", "channel"))
    measures = {
        "comms-outputs": {},
        "comms-press": {"family": "press"},
        "comms-portal": {"family": "portal"},
        "comms-social": {"family": "social"},
        "comms-grassroots": {"family": "grassroots", "measure": "quantity"},
        "comms-visual": {"family": "visual", "measure": "quantity"},
        "comms-meetings": {"family": "meeting", "measure": "quantity"},
        "comms-hashtag": {"hashtag": True},
    }
    for code, how in measures.items():
        for unit in units:
            for period in (OCTOBER, NOVEMBER, WINDOW):
                want = expected(outputs, unit, period, **how)
                got = figures.get((indicators[code].pk, unit.pk, period.key))
                assert (got or 0) == want, (code, unit.name, period.key)
    # The figures a reader checks: 12 banners and 2 LED screens are 14, not 2; the hidden
    # portal news still counts; the agency's television feature is press, in the province.
    assert figures[(indicators["comms-visual"].pk, tree.province.pk, WINDOW.key)] == 14
    assert figures[(indicators["comms-visual"].pk, tree.hoalu.pk, OCTOBER.key)] == 12
    assert figures[(indicators["comms-portal"].pk, tree.namhoalu.pk, NOVEMBER.key)] == 1
    assert figures[(indicators["comms-press"].pk, tree.province.pk, OCTOBER.key)] == 2
    assert figures[(indicators["comms-outputs"].pk, tree.province.pk, WINDOW.key)] == 8
    assert figures[(indicators["comms-grassroots"].pk, tree.hoalu.pk, NOVEMBER.key)] == 3
    assert figures[(indicators["comms-hashtag"].pk, tree.province.pk, OCTOBER.key)] == 2
    assert (indicators["comms-outputs"].pk, tree.namhoalu.pk, "2025-09") not in figures


def test_kinds_and_meeting_attendees_are_sources_too(tree, logged):
    cells = SOURCES["communications.kind.banner"].compute([tree.province], [WINDOW])
    assert cells == {(tree.province.pk, WINDOW.key): 12}
    cells = SOURCES["communications.kind.feature"].compute([tree.province], [WINDOW])
    assert cells == {(tree.province.pk, WINDOW.key): 1}
    cells = SOURCES["communications.kind.post"].compute([tree.hoalu, tree.namhoalu], [OCTOBER])
    assert cells == {(tree.hoalu.pk, OCTOBER.key): 1}
    cells = SOURCES["communications.meeting_attendees"].compute([tree.province], [NOVEMBER])
    assert cells == {(tree.province.pk, NOVEMBER.key): 50}


def test_a_week_counts_the_outputs_dated_in_it(tree, logged):
    week = periods.week(day(10, 10))
    cells = SOURCES["communications.outputs"].compute([tree.hoalu], [week])
    # 10/10 (a Friday) and 12/10 (the Sunday of the same ISO week).
    assert cells == {(tree.hoalu.pk, week.key): 2}


def test_one_query_per_depth_whatever_the_number_of_units_and_periods(
    tree, logged, django_assert_num_queries
):
    units = [tree.province, tree.hoalu, tree.namhoalu, tree.agency]
    with django_assert_num_queries(2):
        SOURCES["communications.visual"].compute(units, [OCTOBER, NOVEMBER, WINDOW])


def test_the_results_report_has_the_communications_section(
    tree, logged, django_assert_max_num_queries
):
    from hocvuso.communications.selectors.sources import published_under

    with django_assert_max_num_queries(4):
        published_under(tree.province, start=WINDOW.start, end=WINDOW.end)
    report = results_report(tree.province, WINDOW, today=day(12, 5))
    headings = [b.text for b in report.blocks if b.kind == "heading"]
    assert "VI. CÔNG TÁC TUYÊN TRUYỀN" in headings
    text = report.text()
    assert (
        "Trong kỳ, Tỉnh Ninh Bình và các đơn vị trực thuộc đã đăng, phát 8 sản phẩm truyền "
        "thông về phong trào (tổng số lượng 22) hưởng ứng 1 chiến dịch; 2 sản phẩm có dùng "
        "hashtag của chiến dịch; 50 người tham dự các buổi tuyên truyền."
    ) in text
    by_channel = next(b for b in report.blocks if b.headers[:2] == ["STT", "Kênh"])
    rows = {row[1]: row[2:4] for row in by_channel.rows}
    names = dict(Channel.objects.values_list("code", "name"))
    assert rows[names["banner"]] == [1, 12]
    assert rows[names["led"]] == [1, 2]
    assert rows[names["portal"]] == [1, 1]
    assert rows["Tổng cộng"] == [8, 22]
    by_unit = next(b for b in report.blocks if b.headers and b.headers[0] == "Đơn vị")
    # Entries by channel family, each unit of the province's subtree that logged one.
    assert by_unit.headers == [
        "Đơn vị",
        "Báo chí, PT-TH",
        "Cổng TTĐT",
        "Mạng xã hội",
        "Loa cơ sở",
        "Trực quan",
        "Hội nghị",
        "Tổng số",
    ]
    assert by_unit.rows == [
        ["Phường Hoa Lư", 0, 0, 1, 1, 1, 1, 4],
        ["Phường Nam Hoa Lư", 1, 1, 0, 0, 1, 0, 3],
        ["Sở Khoa học và Công nghệ", 1, 0, 0, 0, 0, 0, 1],
    ]
    assert sum(by_unit.widths) == 165
    assert (
        "“Tuyên truyền Phong trào “Bình dân học vụ số”” (01/10/2025–30/11/2025): 8 sản phẩm "
        "của 3 đơn vị."
    ) in text


def test_a_month_without_outputs_says_so(tree, campaign):
    report = results_report(tree.hoalu, OCTOBER, today=day(11, 5))
    assert "Chưa ghi nhận sản phẩm truyền thông nào trong kỳ." in report.text()


def test_the_section_prints_in_the_word_and_pdf_files(tree, logged):
    import io

    from docx import Document
    from pypdf import PdfReader

    from hocvuso.reports.exports import results_docx, results_pdf

    report = results_report(tree.province, WINDOW, today=day(12, 5))
    document = Document(io.BytesIO(results_docx(report)))
    assert "VI. CÔNG TÁC TUYÊN TRUYỀN" in [p.text for p in document.paragraphs]
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["Phường Hoa Lư", "0", "0", "1", "1", "1", "1", "4"] in rows
    assert ["", "Tổng cộng", "8", "22", "2", ""] in rows
    reader = PdfReader(io.BytesIO(results_pdf(report)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "VI. CÔNG TÁC TUYÊN TRUYỀN" in text
    assert "Phường Nam Hoa Lư" in text
