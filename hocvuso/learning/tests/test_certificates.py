"""Results of a held class, its certificates as PDF, and what /verify/ tells anyone."""

from __future__ import annotations

import datetime
import io
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from hocvuso.core.models import AuditLog
from hocvuso.learning.models import Certificate, ClassSession, Enrolment
from hocvuso.learning.services import (
    ResultInput,
    issue_certificates,
    record_attendance,
    record_results,
    revoke_certificate,
)
from hocvuso.learning.services.certificates import CODE_ALPHABET, normalise_code
from hocvuso.learning.tests.conftest import make_class, walk_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(tree, course):
    """A class held two hours ago: Hoa came, Bình came late, Cúc was absent."""
    session = make_class(tree, course, starts_in=datetime.timedelta(hours=-3))
    record_attendance(
        actor=None,
        session=session,
        marks=[
            walk_in(tree),
            walk_in(tree, status="late", name="Trần Văn Bình", year=1955),
            walk_in(tree, status="absent", name="Lê Thị Cúc", year=1980),
        ],
        via="roll",
    )
    session.status = ClassSession.Status.HELD
    session.save(update_fields=["status"])
    return session


def enrolment(session, name):
    return Enrolment.objects.get(session=session, learner__name=name)


def complete_all(session, actor=None):
    lines = [
        ResultInput(e.pk, completed=e.attended, result="Đạt" if e.attended else "")
        for e in session.enrolments.all()
    ]
    return record_results(actor=actor, session=session, results=lines)


def test_only_attendees_complete_and_completion_defaults_to_the_class_day(held):
    assert complete_all(held) == 2
    hoa = enrolment(held, "Nguyễn Thị Hoa")
    assert hoa.completed
    assert hoa.result == "Đạt"
    assert hoa.completed_on == timezone.localdate(held.starts_at)
    cuc = enrolment(held, "Lê Thị Cúc")
    with pytest.raises(ValidationError, match="chưa có mặt"):
        record_results(actor=None, session=held, results=[ResultInput(cuc.pk, completed=True)])
    cuc.refresh_from_db()
    assert not cuc.completed


def test_a_bad_line_saves_nothing_and_names_the_person(held):
    hoa, binh = enrolment(held, "Nguyễn Thị Hoa"), enrolment(held, "Trần Văn Bình")
    lines = [ResultInput(hoa.pk, completed=True), ResultInput(binh.pk, True, "x" * 101)]
    with pytest.raises(ValidationError, match="Trần Văn Bình: kết quả dài quá 100"):
        record_results(actor=None, session=held, results=lines)
    hoa.refresh_from_db()
    assert not hoa.completed


def test_results_only_for_a_held_class_and_by_someone_who_runs_it(
    tree, course, held, other_commune_focal_point
):
    planned = make_class(tree, course)
    with pytest.raises(ValidationError, match="đã tổ chức"):
        issue_certificates(actor=None, session=planned)
    with pytest.raises(PermissionDenied):
        complete_all(held, actor=other_commune_focal_point)


def test_issuing_twice_issues_once_and_only_to_completions(held, hoalu_focal_point):
    complete_all(held)
    first = issue_certificates(actor=hoalu_focal_point, session=held)
    assert sorted(c.holder_name for c in first) == ["Nguyễn Thị Hoa", "Trần Văn Bình"]
    assert issue_certificates(actor=hoalu_focal_point, session=held) == []
    assert Certificate.objects.count() == 2
    assert not Certificate.objects.filter(enrolment__learner__name="Lê Thị Cúc").exists()
    for c in first:
        assert len(c.code) == 8
        assert set(c.code) <= set(CODE_ALPHABET)
        assert c.course_title == held.course.title
        assert c.organiser_name == "Phường Hoa Lư"
        assert c.issued_by == hoalu_focal_point
    assert AuditLog.objects.filter(action=AuditLog.Action.CERTIFICATE_ISSUED).count() == 1


def test_a_drawn_code_that_exists_is_drawn_again(held, monkeypatch):
    complete_all(held)
    Certificate.objects.create(
        code="AAAAAAAA",
        holder_name="X",
        course_title="Y",
        organiser_name="Z",
        completed_on=datetime.date(2026, 1, 1),
        issued_on=datetime.date(2026, 1, 1),
    )
    draws = iter(["AAAAAAAA", "AAAAAAAA", "BBBBBBBB", "CCCCCCCC"])
    monkeypatch.setattr("hocvuso.learning.services.certificates.new_code", lambda: next(draws))
    codes = sorted(c.code for c in issue_certificates(actor=None, session=held))
    assert codes == ["BBBBBBBB", "CCCCCCCC"]


def test_a_certified_completion_cannot_be_undone_until_revoked(held):
    complete_all(held)
    [certificate, _other] = issue_certificates(actor=None, session=held)
    line = ResultInput(certificate.enrolment_id, completed=False)
    with pytest.raises(ValidationError, match="thu hồi"):
        record_results(actor=None, session=held, results=[line])
    revoke_certificate(actor=None, certificate=certificate)
    record_results(actor=None, session=held, results=[line])


def test_codes_typed_by_hand_are_read_leniently():
    assert normalise_code(" 7kq2-m9xd ") == "7KQ2M9XD"
    assert normalise_code("O0I1") == ""
    assert normalise_code("A" * 17) == ""


# --- Pages


def test_the_results_page_marks_completions_and_issues(client, held, hoalu_focal_point):
    client.force_login(hoalu_focal_point)
    url = reverse("learning:results", args=[held.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Lê Thị Cúc" in page.content.decode()
    hoa, cuc = enrolment(held, "Nguyễn Thị Hoa"), enrolment(held, "Lê Thị Cúc")
    answer = client.post(
        url, {"done": [str(hoa.pk)], f"result-{hoa.pk}": "Giỏi", "action": "results"}
    )
    assert answer.status_code == 302
    hoa.refresh_from_db()
    assert hoa.completed
    assert hoa.result == "Giỏi"
    answer = client.post(url, {"done": [str(cuc.pk)], "action": "results"})
    assert answer.status_code == 400
    assert "chưa có mặt" in answer.content.decode()
    client.post(url, {"action": "issue"})
    assert Certificate.objects.filter(enrolment=hoa).exists()


def test_a_viewer_sees_results_but_cannot_write_them(client, held, viewer):
    client.force_login(viewer)
    url = reverse("learning:results", args=[held.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "issue"}).status_code == 403


def test_the_pdf_opens_and_holds_the_code_and_the_verify_address(client, held, hoalu_focal_point):
    complete_all(held)
    issued = issue_certificates(actor=None, session=held)
    client.force_login(hoalu_focal_point)
    one = client.get(reverse("learning:certificate_pdf", args=[issued[0].pk]))
    assert one.status_code == 200
    assert one["Content-Type"] == "application/pdf"
    assert one["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(one.content))
    text = reader.pages[0].extract_text()
    assert issued[0].code in text
    assert "GIẤY CHỨNG NHẬN" in text
    assert f"/verify/{issued[0].code}/" in text
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    both = client.get(reverse("learning:class_certificates_pdf", args=[held.pk]))
    pages = PdfReader(io.BytesIO(both.content)).pages
    assert len(pages) == 2
    assert {c.code for c in issued} == set(issued_codes(pages))


def issued_codes(pages):
    for page in pages:
        for code in Certificate.objects.values_list("code", flat=True):
            if code in page.extract_text():
                yield code


def test_certificates_are_never_served_outside_the_class(client, held, other_commune_focal_point):
    complete_all(held)
    [certificate, _] = issue_certificates(actor=None, session=held)
    url = reverse("learning:certificate_pdf", args=[certificate.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(other_commune_focal_point)
    assert client.get(url).status_code == 404


def test_verify_shows_initials_course_date_and_organiser_only(client, held):
    enrolment(held, "Nguyễn Thị Hoa").learner.__class__.objects.filter(
        name="Nguyễn Thị Hoa"
    ).update(phone="0912345678")
    complete_all(held)
    certificate = next(
        c for c in issue_certificates(actor=None, session=held) if "Hoa" in c.holder_name
    )
    page = client.get(reverse("learn:verify", args=[certificate.code.lower()]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "N. T. H." in body
    assert "Giấy chứng nhận hợp lệ" in body
    assert held.course.title in body
    assert "Phường Hoa Lư" in body
    for private in ("Nguyễn Thị Hoa", "1968", "0912345678", "345678"):
        assert private not in body


def test_a_revoked_certificate_says_so(client, held):
    complete_all(held)
    [certificate, _] = issue_certificates(actor=None, session=held)
    revoke_certificate(actor=None, certificate=certificate)
    page = client.get(reverse("learn:verify", args=[certificate.code]))
    assert "đã bị thu hồi" in page.content.decode()


def test_an_unknown_code_is_404_and_as_quick(client, held):
    complete_all(held)
    [certificate, _] = issue_certificates(actor=None, session=held)
    client.get(reverse("learn:verify", args=[certificate.code]))  # warm up
    started = time.perf_counter()
    known = client.get(reverse("learn:verify", args=[certificate.code]))
    known_s = time.perf_counter() - started
    started = time.perf_counter()
    unknown = client.get(reverse("learn:verify", args=["ZZZZZZZZ"]))
    unknown_s = time.perf_counter() - started
    assert known.status_code == 200
    assert unknown.status_code == 404
    assert "Không có giấy chứng nhận nào mang mã này" in unknown.content.decode()
    assert unknown_s < known_s * 3 + 0.05


def test_verify_is_rate_limited_per_address(client, settings, held):
    settings.LEARN_VERIFY_RATE_LIMIT = "3/m"
    from django.core.cache import cache

    cache.clear()
    url = reverse("learn:verify", args=["ABCDEFGH"])
    statuses = [client.get(url, REMOTE_ADDR="10.0.0.9").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert client.get(url, REMOTE_ADDR="10.0.0.10").status_code == 404


def test_the_verify_form_sends_a_typed_code_to_its_page(client):
    answer = client.get(reverse("learn:verify_form"), {"ma": "7kq2 m9xd"})
    assert answer.status_code == 302
    assert answer["Location"] == "/verify/7KQ2M9XD/"
    bad = client.get(reverse("learn:verify_form"), {"ma": "=1+1\x00"})
    assert bad.status_code == 400
    assert "Mã xác minh gồm" in bad.content.decode()


def test_revoking_from_the_page_needs_someone_who_runs_the_class(
    client, held, viewer, hoalu_focal_point
):
    complete_all(held)
    [certificate, _] = issue_certificates(actor=None, session=held)
    url = reverse("learning:certificate_revoke", args=[certificate.pk])
    client.force_login(viewer)
    assert client.post(url).status_code == 403
    certificate.refresh_from_db()
    assert not certificate.revoked
    client.force_login(hoalu_focal_point)
    assert client.post(url).status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked
    pdf = client.get(reverse("learning:certificate_pdf", args=[certificate.pk]))
    assert "ĐÃ THU HỒI" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    # The class's file leaves it out.
    both = client.get(reverse("learning:class_certificates_pdf", args=[held.pk]))
    assert len(PdfReader(io.BytesIO(both.content)).pages) == 1


def test_the_results_page_reads_a_big_roll_in_a_few_queries(
    client, tree, course, hoalu_focal_point, django_assert_max_num_queries
):
    session = make_class(tree, course, starts_in=datetime.timedelta(hours=-3))
    names = [f"Người Học {chr(ord('A') + n)}" for n in range(20)]
    record_attendance(
        actor=None, session=session, marks=[walk_in(tree, name=n) for n in names], via="roll"
    )
    session.status = ClassSession.Status.HELD
    session.save(update_fields=["status"])
    complete_all(session)
    issue_certificates(actor=None, session=session)
    client.force_login(hoalu_focal_point)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("learning:results", args=[session.pk]))
    assert page.content.decode().count("/pdf/") == 20
