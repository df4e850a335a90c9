"""The issuer follows a published plan: progress at a glance, the matrix of units and
activities, the duties filtered."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import make_person
from hocvuso.core.roles import Role
from hocvuso.orgunits.services import create_unit
from hocvuso.plans.models import Plan
from hocvuso.plans.services import (
    add_activity,
    add_task,
    create_plan,
    publish_plan,
    report_task_progress,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
OCT_20 = datetime.date(2025, 10, 20)
OCT_30 = datetime.date(2025, 10, 30)
BEFORE_DEADLINES = datetime.datetime(2025, 10, 15, 9, tzinfo=VN)
AFTER_OCT_20 = datetime.datetime(2025, 10, 21, 9, tzinfo=VN)
_ALL = ["hoalu_door", "hoalu_training", "nam_door_1", "nam_door_2", "nam_report"]


@pytest.fixture
def plan(tree, coordinator, hoalu_focal_point, other_commune_focal_point):
    """Two activities; Hoa Lư has a duty in each, Nam Hoa Lư two in the first and one with no
    activity. Hoa Lư's door-to-door duty is done, Nam Hoa Lư's training is under way."""
    plan = create_plan(
        actor=coordinator,
        issuing_unit=tree.province,
        kind=Plan.Kind.DX_DAY,
        title="Ngày Chuyển đổi số 2025",
    )
    door = add_activity(actor=coordinator, plan=plan, title="Đi từng ngõ, gõ từng nhà")
    training = add_activity(actor=coordinator, plan=plan, title="Tập huấn kỹ năng số")
    tasks = {}
    for key, unit, activity, deadline in [
        ("hoalu_door", tree.hoalu, door, OCT_20),
        ("hoalu_training", tree.hoalu, training, OCT_30),
        ("nam_door_1", tree.namhoalu, door, OCT_20),
        ("nam_door_2", tree.namhoalu, door, OCT_30),
        ("nam_report", tree.namhoalu, None, None),
    ]:
        tasks[key] = add_task(
            actor=coordinator,
            plan=plan,
            unit=unit,
            activity=activity,
            text=f"Việc {key}",
            deadline=deadline,
        )
    publish_plan(plan=plan, actor=coordinator)
    report_task_progress(
        actor=hoalu_focal_point, task=tasks["hoalu_door"], note="Xong", status="done"
    )
    report_task_progress(
        actor=other_commune_focal_point,
        task=tasks["nam_door_1"],
        note="Đang làm",
        status="in_progress",
    )
    plan.door, plan.training = door, training
    return plan


class _Matrix(HTMLParser):
    """Reads the matrix as a person does: each unit's row, the words in each cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.header: list[str] = []
        self._in_table = self._in_head = False
        self._row: list[str] | None = None
        self._text: list[str] | None = None
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and "matrix" in classes:
            self._in_table = True
        elif self._in_table and tag == "thead":
            self._in_head = True
        elif self._in_table and tag == "tr":
            self._row = []
        elif self._in_table and tag in {"th", "td"}:
            self._text = []
        if tag == "span" and dict(attrs).get("aria-hidden") == "true":
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._hidden:
            self._hidden -= 1
        elif tag == "table":
            self._in_table = False
        elif tag == "thead":
            self._in_head = False
        elif tag in {"th", "td"} and self._text is not None and self._row is not None:
            self._row.append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == "tr" and self._row:
            if self._in_head:
                self.header = self._row
            else:
                self.rows[self._row[0]] = self._row[1:]
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._text is not None and not self._hidden:
            self._text.append(data)


def _matrix(page: str) -> _Matrix:
    parser = _Matrix()
    parser.feed(page)
    return parser


def _get(client, plan, **params) -> str:
    response = client.get(f"/plans/{plan.pk}/progress/", params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("administrator", 200),
        ("viewer", 403),  # sees the province's plans, may not manage them
        ("hoalu_focal_point", 403),  # the plan gives Hoa Lư duties, but it is not its plan
        ("team_member", 404),  # a residential group the plan does not reach
    ],
)
def test_only_those_who_manage_the_issuing_unit_follow_the_plan(
    client, plan, request, persona, status
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/plans/{plan.pk}/progress/").status_code == status


def test_another_communes_plan_is_not_found(client, tree, other_commune_focal_point):
    commune_coordinator = _commune_coordinator(tree.namhoalu)
    theirs = create_plan(
        actor=commune_coordinator,
        issuing_unit=tree.namhoalu,
        kind=Plan.Kind.OTHER,
        title="Kế hoạch của Nam Hoa Lư",
    )
    add_task(actor=commune_coordinator, plan=theirs, unit=tree.namhoalu_village, text="Việc")
    publish_plan(plan=theirs, actor=commune_coordinator)
    client.force_login(_commune_coordinator(tree.hoalu, "hlcoord"))
    assert client.get(f"/plans/{theirs.pk}/progress/").status_code == 404
    client.force_login(commune_coordinator)
    assert client.get(f"/plans/{theirs.pk}/progress/").status_code == 200


def test_signed_out_visitors_are_sent_to_log_in(client, plan):
    response = client.get(f"/plans/{plan.pk}/progress/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_plan_page_links_to_the_follow_up_for_its_managers_only(
    client, plan, coordinator, hoalu_focal_point
):
    client.force_login(coordinator)
    assert f"/plans/{plan.pk}/progress/" in client.get(f"/plans/{plan.pk}/").content.decode()
    client.force_login(hoalu_focal_point)
    assert f"/plans/{plan.pk}/progress/" not in client.get(f"/plans/{plan.pk}/").content.decode()


@time_machine.travel(BEFORE_DEADLINES, tick=False)
def test_progress_at_a_glance(client, plan, coordinator):
    client.force_login(coordinator)
    page = _get(client, plan)
    assert "Đã hoàn thành 1/5 nhiệm vụ (20%)" in page
    assert '<progress id="plan-progress" class="progress" max="100" value="20">' in page
    assert "Quá hạn <strong>0</strong>" in page


@time_machine.travel(BEFORE_DEADLINES, tick=False)
def test_each_cell_says_how_the_units_duties_for_the_activity_stand(client, plan, coordinator):
    client.force_login(coordinator)
    matrix = _matrix(_get(client, plan))
    assert matrix.header == [
        "Đơn vị",
        "1. Đi từng ngõ, gõ từng nhà",
        "2. Tập huấn kỹ năng số",
        "Không gắn hoạt động",
    ]
    assert matrix.rows == {
        "Phường Hoa Lư": ["Đã hoàn thành 1/1", "Chưa thực hiện 0/1", "Không có nhiệm vụ"],
        # One duty under way and one not started: the activity is under way.
        "Phường Nam Hoa Lư": ["Đang thực hiện 0/2", "Không có nhiệm vụ", "Chưa thực hiện 0/1"],
    }


def test_a_deadline_passing_turns_the_cell_overdue(client, plan, coordinator):
    client.force_login(coordinator)
    with time_machine.travel(BEFORE_DEADLINES, tick=False):
        assert _matrix(_get(client, plan)).rows["Phường Nam Hoa Lư"][0] == "Đang thực hiện 0/2"
    with time_machine.travel(AFTER_OCT_20, tick=False):
        page = _get(client, plan)
    matrix = _matrix(page)
    assert matrix.rows["Phường Nam Hoa Lư"][0] == "Quá hạn 0/2"
    assert matrix.rows["Phường Hoa Lư"][0] == "Đã hoàn thành 1/1", "done in time is not late"
    assert 'class="cell cell-overdue"' in page
    assert "Quá hạn <strong>1</strong>" in page


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({}, _ALL),
        ({"activity": "door"}, ["hoalu_door", "nam_door_1", "nam_door_2"]),
        ({"activity": "none"}, ["nam_report"]),
        ({"unit": "nam hoa lu"}, ["nam_door_1", "nam_door_2", "nam_report"]),
        ({"unit": "Hoa Lư"}, _ALL),
        ({"unit": "xyz"}, []),
        # Every word, anywhere in the name, as in the unit search: both wards are "hoa lu".
        ({"unit": "lu hoa"}, _ALL),
        ({"status": "done"}, ["hoalu_door"]),
        ({"status": "not_started"}, ["hoalu_training", "nam_door_2", "nam_report"]),
        ({"deadline_before": "2025-10-20"}, ["hoalu_door", "nam_door_1"]),
        ({"overdue": "on"}, ["nam_door_1"]),
        ({"overdue": "on", "unit": "nam"}, ["nam_door_1"]),
        ({"overdue": "on", "activity": "none"}, []),
        ({"activity": "door", "status": "in_progress"}, ["nam_door_1"]),
    ],
)
@time_machine.travel(AFTER_OCT_20, tick=False)
def test_filters_narrow_the_list_of_duties(client, plan, coordinator, params, shown):
    if params.get("activity") == "door":
        params = {**params, "activity": plan.door.pk}
    client.force_login(coordinator)
    tasks = _tasks_fragment(client, plan, params)
    assert [key for key in _ALL if f"Việc {key}<" in tasks] == shown


def _tasks_fragment(client, plan, params) -> str:
    page = _get(client, plan, **params)
    return page[page.index('<div id="tasks">') :]


def test_htmx_gets_only_the_list_and_the_answer_varies_on_it(client, plan, coordinator):
    client.force_login(coordinator)
    response = client.get(
        f"/plans/{plan.pk}/progress/", {"status": "done"}, headers={"HX-Request": "true"}
    )
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="tasks">')
    assert "<html" not in fragment
    assert "Việc hoalu_door" in fragment
    assert "Việc nam_report" not in fragment
    assert "HX-Request" in response["Vary"]
    full = client.get(f"/plans/{plan.pk}/progress/", {"status": "done"})
    assert "HX-Request" in full["Vary"]


def test_the_filter_form_works_without_javascript(client, plan, coordinator):
    client.force_login(coordinator)
    page = _get(client, plan)
    assert f'<form class="filters" method="get" action="/plans/{plan.pk}/progress/#tasks"' in page
    assert f'hx-get="/plans/{plan.pk}/progress/"' in page


def test_a_bad_date_is_pointed_out_and_the_other_filters_still_apply(client, plan, coordinator):
    client.force_login(coordinator)
    page = _get(client, plan, deadline_before="30/13/2025", status="done")
    assert 'class="error"' in page
    tasks = page[page.index('<div id="tasks">') :]
    assert "Việc hoalu_door" in tasks
    assert "Việc nam_door_1" not in tasks


def test_an_activity_of_another_plan_is_refused(client, plan, coordinator, tree):
    other = create_plan(
        actor=coordinator, issuing_unit=tree.province, kind=Plan.Kind.OTHER, title="Khác"
    )
    foreign = add_activity(actor=coordinator, plan=other, title="Hoạt động khác")
    client.force_login(coordinator)
    page = _get(client, plan, activity=foreign.pk)
    assert 'class="error"' in page
    assert "Việc hoalu_door" in page[page.index('<div id="tasks">') :]


def test_the_page_costs_the_same_queries_for_five_duties_or_a_hundred_and_fifty(
    client, plan, coordinator, tree, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = f"/plans/{plan.pk}/progress/"
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    big = create_plan(
        actor=coordinator, issuing_unit=tree.province, kind=Plan.Kind.OTHER, title="Lớn"
    )
    activities = [
        add_activity(actor=coordinator, plan=big, title=f"Hoạt động {n}") for n in range(3)
    ]
    for n in range(50):
        unit = create_unit(actor=None, parent=tree.province, name=f"Xã số {n}", kind="commune")
        for activity in activities:
            add_task(
                actor=coordinator,
                plan=big,
                unit=unit,
                activity=activity,
                text="Việc",
                deadline=OCT_20,
            )
    publish_plan(plan=big, actor=coordinator)
    url = f"/plans/{big.pk}/progress/"
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert len(_matrix(page).rows) == 50
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url, {"unit": "xa so 1", "page": "1"}, headers={"HX-Request": "true"})


def test_a_long_list_is_paged_and_the_pages_keep_the_filters(client, coordinator, tree):
    big = create_plan(
        actor=coordinator, issuing_unit=tree.province, kind=Plan.Kind.OTHER, title="Lớn"
    )
    for n in range(60):
        add_task(actor=coordinator, plan=big, unit=tree.hoalu, text=f"Việc số {n}")
    publish_plan(plan=big, actor=coordinator)
    client.force_login(coordinator)
    page = _get(client, big, status="not_started")
    assert "60 nhiệm vụ" in page
    assert "Trang 1/2" in page
    assert "?status=not_started&amp;page=2" in page


def _commune_coordinator(unit, username: str = "nhcoord"):
    return make_person(username, Role.COORDINATOR, unit)
