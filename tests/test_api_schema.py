"""Issue 6: the whole API fuzzed from its own OpenAPI document (schemathesis), in-process
through the WSGI application, as a coordinator's token on the persona tree: no operation
answers a server error, and every documented answer matches its schema.

Each operation gets a few valid and a few invalid requests (hypothesis, no deadline, no
example database) so the test stays in seconds; CI runs it on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from hocvuso.accounts.services import create_api_token
from hocvuso.events.services import add_bridge_points, create_event, report_attendance
from hocvuso.fieldwork.services import VisitInput, add_member, create_team, record_visits
from hocvuso.plans.models import Plan
from hocvuso.plans.services import add_task, create_plan, publish_plan

EXAMPLES = {GenerationMode.POSITIVE: 15, GenerationMode.NEGATIVE: 8}
DAY = datetime.date(2025, 10, 10)
LISTS = {
    "GET /api/me/",
    "GET /api/units/",
    "GET /api/plans/",
    "GET /api/plans/tasks",
    "GET /api/events/",
    "GET /api/fieldwork/teams",
    "GET /api/fieldwork/visits",
    "GET /api/learning/courses",
    "GET /api/learning/classes",
    "GET /api/learning/completions/classes",
    "GET /api/learning/completions/platform",
}


@pytest.fixture
def world(tree, coordinator) -> None:
    """One of everything the API reads, so that lists have rows to check against schemas."""
    plan = create_plan(
        actor=coordinator,
        issuing_unit=tree.province,
        kind=Plan.Kind.DX_DAY,
        title="Ngày Chuyển đổi số",
        number="",
        place="Ninh Bình",
    )
    add_task(actor=coordinator, plan=plan, unit=tree.hoalu, text="Đến từng nhà", deadline=DAY)
    add_task(actor=coordinator, plan=plan, unit=tree.namhoalu, text="Đến từng nhà")
    publish_plan(plan=plan, actor=coordinator)
    event = create_event(
        actor=coordinator,
        organiser=tree.province,
        title="Lễ phát động",
        starts_at=datetime.datetime(2099, 11, 8, 1, 0, tzinfo=datetime.UTC),
    )
    [point, _other] = add_bridge_points(
        actor=coordinator, event=event, hosts=[tree.hoalu, tree.namhoalu]
    )
    report_attendance(
        bridge_point=point,
        submission_id="5c0a0e40-4b7f-4b43-8d0c-9d9b6c1d5a11",
        counts={"leaders": 3, "residents": 40},
    )
    team = create_team(actor=coordinator, unit=tree.hoalu, name="Tổ CNS phường Hoa Lư")
    add_member(actor=coordinator, team=team, name="Nguyễn Văn Tổ", role="leader")
    record_visits(
        actor=coordinator,
        teams=[team],
        rows=[
            VisitInput(
                id="0b6f6d3e-8c1a-4a51-9d6e-1f0a2b3c4d5e",
                team_id=team.pk,
                village_id=tree.hoalu_village.pk,
                visited_on=DAY,
                household="Số 12",
                people_guided=3,
                services=["vneid"],
            )
        ],
    )
    _learning(tree, coordinator)


def _learning(tree, coordinator) -> None:
    """A course, a class of Phường Hoa Lư with one completed learner, a platform completion."""
    from django.utils import timezone

    from hocvuso.learning import models as lm
    from hocvuso.learning.services import Mark, PersonInput, record_attendance

    course = lm.Course.objects.create(owner=tree.province, title="Kỹ năng số cơ bản", hours=3)
    now = timezone.now()
    session = lm.ClassSession.objects.create(
        course=course,
        organiser=tree.hoalu,
        host=tree.hoalu,
        province=tree.province,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=1),
        capacity=30,
    )
    person = PersonInput(name="Nguyễn Thị Hoa", birth_year=1968, commune_id=tree.hoalu.pk)
    mark = Mark(id="7d1f0a52-3c4b-4e8f-9a0b-1c2d3e4f5a6b", status="present", person=person)
    record_attendance(actor=coordinator, session=session, marks=[mark], via="roll")
    lm.Enrolment.objects.update(completed=True, completed_on=DAY, result="Đạt")
    source = lm.PlatformImport.objects.create(
        kind="completions", unit=tree.province, filename="mooc.csv", sha256="2" * 64, rows=1
    )
    lm.PlatformCompletion.objects.create(
        source=source,
        province=tree.province,
        commune=tree.hoalu,
        name="Lê Văn Tám",
        name_key="lê văn tám",
        birth_year=1980,
        group="staff",
        course="Kỹ năng số cho cán bộ",
        completed_on=DAY,
    )


@pytest.fixture
def in_process() -> Iterator[None]:
    """Requests through the WSGI application share the test's transaction: keep Django from
    closing the connection at each request's end, as its test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_no_operation_fails_or_breaks_its_schema(world, coordinator, settings, in_process):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    _token, secret = create_api_token(actor=coordinator, name="Schemathesis")
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", get_wsgi_application(), headers=headers
    )
    failures: list[str] = []
    answered: dict[str, set[int]] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode, examples in EXAMPLES.items():

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,  # the same requests on every run: a red CI is reproducible
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def check(case: schemathesis.Case) -> None:
                response = case.call_and_validate(
                    headers=headers, checks=[not_a_server_error, response_schema_conformance]
                )
                answered.setdefault(case.operation.label, set()).add(response.status_code)

            try:
                check()
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups its failures
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
    assert operations >= 16
    # Not only refusals: each list and the caller's own page answered with rows to check.
    succeeded = {label for label, codes in answered.items() if 200 in codes}
    assert not LISTS - succeeded
