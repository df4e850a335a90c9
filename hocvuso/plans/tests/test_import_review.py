"""From an uploaded plan to published duties: upload, review, fix a unit, publish."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hocvuso.orgunits.services import create_unit
from hocvuso.plans.importer.matching import UnitIndex
from hocvuso.plans.models import Plan, Task

SAMPLES = Path(__file__).parent / "samples"


def _upload(client, tree, name: str = "003_ninh_binh_dx_day.txt"):
    data = (SAMPLES / name).read_bytes()
    return client.post(
        reverse("plans:import"),
        {"file": SimpleUploadedFile(name, data), "issuing_unit": tree.province.pk},
    )


@pytest.fixture
def agencies(tree):
    names = [
        ("Sở Văn hóa và Thể thao", "agency"),
        ("Sở Giáo dục và Đào tạo", "agency"),
        ("Văn phòng Ủy ban nhân dân tỉnh", "agency"),
        ("Công an tỉnh", "agency"),
        ("Báo và Phát thanh, Truyền hình Ninh Bình", "press"),
    ]
    return [create_unit(actor=None, parent=tree.province, name=n, kind=k) for n, k in names]


def test_unit_names_match_whatever_the_spelling(tree, agencies) -> None:
    index = UnitIndex(tree.province)
    agency = tree.agency
    assert index.match("Sở Khoa học và công nghệ").units == [agency]
    assert index.match("Sở KH&CN").units == [agency]
    assert index.match("Đề nghị Sở Khoa học và Công nghệ tỉnh Ninh Bình").units == [agency]
    assert index.match("Văn phòng UBND tỉnh").units[0].name == "Văn phòng Ủy ban nhân dân tỉnh"
    assert index.match("Sở Văn hoá và Thể thao").units[0].name == "Sở Văn hóa và Thể thao"
    communes = index.match("UBND các xã, phường")
    assert communes.collective
    assert {u.pk for u in communes.units} == {
        tree.hoalu.pk,
        tree.namhoalu.pk,
    }
    unknown = index.match("Sở Khoa học Công nghệ và Môi trường")
    assert not unknown.matched
    assert unknown.suggestions[0] == agency


def test_coordinator_imports_reviews_and_publishes(
    client, tree, agencies, coordinator, hoalu_focal_point
) -> None:
    client.force_login(coordinator)
    response = _upload(client, tree)
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:review", args=[plan.pk])
    assert plan.status == Plan.Status.DRAFT
    assert plan.kind == Plan.Kind.DX_DAY
    assert plan.activities.count() == 6
    assert plan.source_file.name.endswith(".txt")
    # The lead of activity 4 is every commune: each gets its duty, linked to the activity.
    door_to_door = plan.activities.get(position=4)
    leads = door_to_door.tasks.filter(text__startswith="Chủ trì: ")
    assert set(leads.values_list("unit", flat=True)) == {tree.hoalu.pk, tree.namhoalu.pk}

    page = client.get(reverse("plans:review", args=[plan.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Văn bản gốc" in content
    assert "Đi từng ngõ" in content
    unmatched = plan.tasks.filter(unit__isnull=True)
    assert unmatched.exists()  # e.g. "Các doanh nghiệp viễn thông, công nghệ số…"
    assert "Chưa khớp đơn vị" in content

    refused = client.post(reverse("plans:publish", args=[plan.pk]), follow=True)
    assert "chưa gắn đơn vị" in refused.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT

    for task in unmatched:
        if task.pk % 2:
            client.post(
                reverse("plans:draft_task", args=[task.pk]),
                {f"t{task.pk}-delete": "", "delete": "1"},
            )
        else:
            client.post(
                reverse("plans:draft_task", args=[task.pk]),
                {
                    f"t{task.pk}-unit_name": "Sở KH&CN",
                    f"t{task.pk}-text": task.text,
                    f"t{task.pk}-deadline": "2025-10-30",
                },
            )
    assert not plan.tasks.filter(unit__isnull=True).exists()
    client.post(reverse("plans:publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED

    client.force_login(hoalu_focal_point)
    duties = client.get(reverse("plans:duties")).content.decode()
    assert "Đi từng ngõ" in duties


def test_review_is_for_plan_managers_only(
    client, tree, coordinator, hoalu_focal_point, other_commune_focal_point, viewer
) -> None:
    client.force_login(coordinator)
    _upload(client, tree)
    plan = Plan.objects.get()
    url = reverse("plans:review", args=[plan.pk])
    client.force_login(viewer)
    assert client.get(url).status_code == 403
    assert client.post(reverse("plans:publish", args=[plan.pk])).status_code == 403
    client.force_login(hoalu_focal_point)
    assert client.get(url).status_code == 404  # a draft is not theirs to see yet
    client.force_login(other_commune_focal_point)
    assert client.get(reverse("plans:import")).status_code == 403


def test_a_bad_upload_saves_nothing_and_says_why(client, tree, coordinator) -> None:
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:import"),
        {
            "file": SimpleUploadedFile("scan.pdf", b"%PDF-1.4 nothing"),
            "issuing_unit": tree.province.pk,
        },
    )
    assert response.status_code == 200
    assert "hỏng" in response.content.decode()
    assert not Plan.objects.exists()
    assert not Task.objects.exists()


def _structure(plan: Plan) -> dict:
    return {
        "activities": [
            (
                a.description,
                a.starts_on,
                a.ends_on,
                a.lead_unit_id,
                sorted(a.partner_units.values_list("pk", flat=True)),
                sorted(a.unmatched_units),
            )
            for a in plan.activities.order_by("position")
        ],
        "tasks": sorted(
            (
                t.unit_id or 0,
                t.unit_name if t.unit_id is None else "",
                t.text,
                t.activity is not None,
            )
            for t in plan.tasks.select_related("activity")
        ),
    }


@pytest.mark.parametrize("name", ["000_ninh_binh_launch.txt", "003_ninh_binh_dx_day.txt"])
def test_an_exported_plan_imports_back_to_the_same_structure(tree, agencies, name) -> None:
    from hocvuso.plans.exports import plan_docx
    from hocvuso.plans.importer import read_plan
    from hocvuso.plans.services import create_plan_from_draft

    original = read_plan((SAMPLES / name).read_bytes(), name)
    plan = create_plan_from_draft(actor=None, issuing_unit=tree.province, draft=original)
    again = read_plan(plan_docx(plan), "exported.docx")
    for key in (
        "kind",
        "number",
        "place",
        "issued_on",
        "title",
        "purposes",
        "requirements",
        "recipients",
        "signer_name",
        "legal_bases",
        "activities",
    ):
        assert again[key] == original[key], key
    assert again["signer_title"].casefold() == original["signer_title"].casefold()
    copy = create_plan_from_draft(actor=None, issuing_unit=tree.province, draft=again)
    assert _structure(copy) == _structure(plan)


def test_an_activity_is_corrected_on_the_review_screen(
    client, tree, agencies, coordinator, viewer
) -> None:
    client.force_login(coordinator)
    _upload(client, tree)
    plan = Plan.objects.get()
    activity = plan.activities.get(position=2)  # "Theo kế hoạch của Bộ…": no dates
    url = reverse("plans:draft_activity", args=[activity.pk])
    data = {
        f"a{activity.pk}-title": "Ngày hội toàn dân học tập số",
        f"a{activity.pk}-description": activity.description,
        f"a{activity.pk}-window_text": "",
        f"a{activity.pk}-starts_on": "2025-10-10",
        f"a{activity.pk}-ends_on": "2025-10-05",
        f"a{activity.pk}-lead_name": "Sở KH&CN",
    }
    page = client.post(url, data, follow=True).content.decode()
    assert "Ngày kết thúc phải sau ngày bắt đầu" in page
    data[f"a{activity.pk}-ends_on"] = "2025-10-12"
    client.post(url, data)
    activity.refresh_from_db()
    assert activity.title == "Ngày hội toàn dân học tập số"
    assert (str(activity.starts_on), str(activity.ends_on)) == ("2025-10-10", "2025-10-12")
    assert activity.lead_unit == tree.agency
    client.force_login(viewer)
    assert client.post(url, data).status_code == 403


def test_import_plan_command_dry_run_prints_the_draft_and_saves_nothing(tree, tmp_path) -> None:
    import json
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = SAMPLES / "000_ninh_binh_launch.txt"
    out = StringIO()
    call_command("import_plan", str(path), "--dry-run", "--json", "--unit", "37", stdout=out)
    draft = json.loads(out.getvalue())
    gold = json.loads((SAMPLES / "000_ninh_binh_launch.gold.json").read_text(encoding="utf-8"))
    assert set(gold) <= set(draft)
    assert draft["event"]["quota_total"] == 500
    assert any(u["name"] == "Sở Khoa học và Công nghệ" and u["matched"] for u in draft["units"])
    assert not Plan.objects.exists()

    with pytest.raises(CommandError, match="--unit"):
        call_command("import_plan", str(path), stdout=StringIO())
    call_command("import_plan", str(path), "--unit", "37", stdout=StringIO())
    assert Plan.objects.get().status == Plan.Status.DRAFT
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="rỗng"):
        call_command("import_plan", str(empty), "--dry-run", stdout=StringIO())
