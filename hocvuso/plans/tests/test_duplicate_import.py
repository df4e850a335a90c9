"""Issue 14: importing a document that is already a plan of the same issuing unit (same
number and date; for a draft without a number, same title and issuer) warns and creates
nothing until the coordinator confirms."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hocvuso.core.models import AuditLog
from hocvuso.plans import selectors
from hocvuso.plans.models import Plan
from hocvuso.plans.services import create_plan

SAMPLES = Path(__file__).parent / "samples"
SEED = "003_ninh_binh_dx_day.txt"
WARNING = "Văn bản này có vẻ đã được nhập."


def _seed(number: str = "") -> bytes:
    """Seed 003 (a draft: "Số:         /KH-UBND", no day), or signed with ``number`` on
    3 October 2025."""
    text = (SAMPLES / SEED).read_text(encoding="utf-8")
    if number:
        text = text.replace("Số:         /KH-UBND", f"Số: {number}", 1)
        text = text.replace("ngày     tháng 10 năm 2025", "ngày 03 tháng 10 năm 2025", 1)
    return text.encode()


def _upload(client, unit, data: bytes, **extra: str):
    return client.post(
        reverse("plans:import"),
        {"file": SimpleUploadedFile(SEED, data), "issuing_unit": unit.pk, **extra},
    )


def test_the_same_seed_uploaded_twice_warns_and_creates_nothing_until_confirmed(
    client, tree, coordinator
):
    client.force_login(coordinator)
    assert _upload(client, tree.province, _seed()).status_code == 302
    first = Plan.objects.get()
    imports = AuditLog.objects.filter(action=AuditLog.Action.IMPORT)

    again = _upload(client, tree.province, _seed())
    assert again.status_code == 200
    page = again.content.decode()
    assert WARNING in page
    assert f'href="{reverse("plans:detail", args=[first.pk])}"' in page
    assert "Vẫn tạo bản nháp mới" in page
    assert Plan.objects.count() == 1, "nothing created without confirmation"
    assert imports.count() == 1

    confirmed = _upload(client, tree.province, _seed(), confirm_duplicate="1")
    assert confirmed.status_code == 302
    assert Plan.objects.count() == 2
    assert imports.count() == 2


def test_a_first_upload_shows_no_warning_nor_the_confirm_button(client, tree, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("plans:import")).content.decode()
    assert WARNING not in page
    assert "Vẫn tạo bản nháp mới" not in page


def test_a_signed_plan_with_another_number_is_not_a_duplicate(client, tree, coordinator):
    client.force_login(coordinator)
    assert _upload(client, tree.province, _seed("123/KH-UBND")).status_code == 302
    plan = Plan.objects.get()
    assert (plan.number, plan.issued_on) == ("123/KH-UBND", datetime.date(2025, 10, 3))
    assert _upload(client, tree.province, _seed("124/KH-UBND")).status_code == 302
    assert Plan.objects.count() == 2
    # The same number again, written with a stray space, is the same document.
    again = _upload(client, tree.province, _seed("123 /KH-UBND"))
    assert again.status_code == 200
    assert WARNING in again.content.decode()
    assert Plan.objects.count() == 2


def test_another_issuing_units_plan_is_not_a_duplicate(client, tree, coordinator):
    client.force_login(coordinator)
    assert _upload(client, tree.province, _seed()).status_code == 302
    assert _upload(client, tree.hoalu, _seed()).status_code == 302
    assert Plan.objects.count() == 2


def test_duplicates_match_number_and_day_or_for_drafts_title_and_issuer(tree, coordinator):
    def plan(**fields) -> Plan:
        return create_plan(
            actor=coordinator, issuing_unit=tree.province, kind=Plan.Kind.OTHER, **fields
        )

    signed = plan(title="Kế hoạch A", number="57/NQ-TW", issued_on=datetime.date(2025, 1, 2))
    draft = plan(title="Kế hoạch  chuyển đổi số", issuer_name="UBND TỈNH NINH BÌNH")

    def found(**fields) -> list[Plan]:
        values = {"number": "", "issued_on": None, "title": "", "issuer_name": "", **fields}
        return selectors.find_duplicate_plans(coordinator, issuing_unit=tree.province, **values)

    assert found(number="57/nq -TW", issued_on=datetime.date(2025, 1, 2)) == [signed]
    assert found(number="57/NQ-TW", issued_on=datetime.date(2025, 1, 3)) == []
    assert found(number="57/NQ-TW", title="Kế hoạch A") == [], "the day is part of it"
    assert found(title="kế hoạch chuyển đổi số", issuer_name="UBND tỉnh Ninh Bình") == [draft]
    assert found(title="Kế hoạch chuyển đổi số", issuer_name="UBND tỉnh Hà Nam") == []
    assert found(
        number="/KH-UBND", title="Kế hoạch chuyển đổi số", issuer_name="UBND TỈNH NINH BÌNH"
    ) == [draft], "a draft's number without digits is no number"


def test_a_plan_the_user_may_not_see_is_not_shown(tree, coordinator, hoalu_focal_point):
    create_plan(
        actor=coordinator,
        issuing_unit=tree.province,
        kind=Plan.Kind.OTHER,
        title="Kế hoạch nháp của tỉnh",
    )
    found = selectors.find_duplicate_plans(
        hoalu_focal_point,
        issuing_unit=tree.province,
        number="",
        issued_on=None,
        title="Kế hoạch nháp của tỉnh",
        issuer_name="",
    )
    assert found == []


def test_the_duplicate_check_reads_one_query_and_no_documents_text(
    tree, coordinator, django_assert_num_queries
):
    for n in range(3):
        plan = create_plan(actor=coordinator, issuing_unit=tree.province, kind="other", title="KH")
        Plan.objects.filter(pk=plan.pk).update(source_text=f"VĂN BẢN GỐC {n} " * 1000)

    def check() -> list[Plan]:
        return selectors.find_duplicate_plans(
            coordinator,
            issuing_unit=tree.province,
            number="",
            issued_on=None,
            title="kh",
            issuer_name="",
        )

    check()  # the coordinator's roles, read once per request
    with django_assert_num_queries(1) as captured:
        found = check()
    assert len(found) == 3
    assert "source_text" not in captured.captured_queries[0]["sql"]
    assert [p.title for p in found] == ["KH"] * 3
