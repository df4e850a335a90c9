"""For every role: a user of one commune can neither read nor change another commune's data.

Each persona holds a role on Phường Hoa Lư (or its village, for the team member). The first
part is built from the URL resolver and the API's OpenAPI document: every route and API
operation is tried, by every persona, against one object of each kind belonging to Phường Nam
Hoa Lư, and must answer 404 (403 only for a write), show none of that commune's data and
write nothing. A route that is neither in ``ROUTES``/``OPERATIONS`` nor in ``NO_SCOPE``
fails ``test_every_route_and_api_operation_is_in_the_matrix`` with its name: adding a route
means adding one line here. The second part keeps the original hand-written checks.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import PASSWORD, make_person
from hocvuso.accounts.models import User
from hocvuso.core.models import AuditLog
from hocvuso.core.roles import Role
from hocvuso.orgunits.models import OrgUnit, UnitPopulation

# --- The matrix built from the URL resolver and the OpenAPI document

MARKER = "ZZNAM"  # in the name of every object of Phường Nam Hoa Lư built below
# What a body must not show: the marker and the foreign commune's own names.
FOREIGN = (MARKER, "Nam Hoa Lư", "Thôn Đông")
MONTH = "2025-10"


@dataclass
class World:
    """One object of each kind, all belonging to Phường Nam Hoa Lư (built through services)."""

    unit: OrgUnit
    village: OrgUnit
    plan: Any
    draft: Any
    activity: Any
    task: Any
    draft_task: Any
    evidence: Any
    event: Any
    point: Any
    item: Any
    quota: Any
    delegate: Any
    entry: Any
    team: Any
    member: Any
    visit: Any
    indicator: Any
    dataset: Any
    report: Any
    target: Any
    notification: Any
    api_token: Any
    assignment: Any
    course: Any
    campaign: Any
    learning_class: Any
    learner: Any
    enrolment: Any
    certificate: Any
    platform_import: Any
    comms_campaign: Any
    comms_output: Any
    comms_resource: Any


def build_world(tree: Any) -> World:
    from hocvuso.accounts.models import Notification
    from hocvuso.accounts.services import create_api_token, notify
    from hocvuso.events import services as ev
    from hocvuso.fieldwork import services as fw
    from hocvuso.fieldwork.models import Visit
    from hocvuso.plans import services as pl
    from hocvuso.plans.models import Evidence
    from hocvuso.reports import periods
    from hocvuso.reports import services as rp

    unit, village = tree.namhoalu, tree.namhoalu_village
    chief = make_person("namhoalu_chief", Role.COORDINATOR, unit)
    plan = pl.create_plan(actor=None, issuing_unit=unit, kind="other", title=f"Kế hoạch {MARKER}")
    pl.add_activity(actor=None, plan=plan, title=f"Hoạt động {MARKER}", lead_unit=unit)
    task = pl.add_task(actor=None, plan=plan, unit=village, text=f"Nhiệm vụ {MARKER}")
    pl.publish_plan(plan=plan, actor=None)
    # The plan's source document, as the plan reader keeps it (stored under a random name).
    plan.source_file.save("nguon.pdf", ContentFile(b"%PDF-1.4\n% ZZNAM\n"), save=False)
    plan.source_name = f"Nguồn {MARKER}.pdf"
    plan.save(update_fields=["source_file", "source_name"])
    pdf = SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4\n% ZZNAM\n", "application/pdf")
    pl.report_task_progress(
        actor=None, task=task, note=f"Đã làm {MARKER}", status="in_progress", files=[pdf]
    )
    draft = pl.create_plan(actor=None, issuing_unit=unit, kind="other", title=f"Dự thảo {MARKER}")
    draft_activity = pl.add_activity(actor=None, plan=draft, title=f"Việc {MARKER}")
    draft_task = pl.add_task(actor=None, plan=draft, unit=unit, text=f"Việc nháp {MARKER}")
    event = ev.create_event(
        actor=None, organiser=unit, title=f"Lễ {MARKER}", starts_at=timezone.now()
    )
    point = ev.register_bridge_point(
        actor=None, event=event, host=village, chair=f"Chủ trì {MARKER}", contact=MARKER
    )
    item = ev.add_program_item(actor=None, event=event, title=f"Tiết mục {MARKER}")
    quota = ev.add_quota(actor=None, event=event, group=f"Đoàn {MARKER}", count=10)
    delegate = ev.invite_delegate(actor=None, event=event, category="other", name=MARKER)
    entry = ev.add_registry_entry(actor=None, event=event, kind="booth", participant=MARKER)
    team = fw.create_team(actor=None, unit=unit, name=f"Tổ {MARKER}")
    member = fw.add_member(actor=None, team=team, name=f"Thành viên {MARKER}", role="leader")
    row = fw.VisitInput(
        id=uuid.uuid4(),
        team_id=team.pk,
        village_id=village.pk,
        visited_on=timezone.localdate() - datetime.timedelta(days=1),
        household=f"Nhà {MARKER}",
        people_guided=2,
        services=["vneid"],
        note=MARKER,
    )
    fw.record_visits(actor=None, teams=[team], rows=[row])
    indicator = rp.create_indicator(actor=None, code="zz-adults", name="Người trưởng thành")
    dataset = rp.create_dataset(
        actor=None,
        owner_unit=unit,
        code="zz-monthly",
        name=f"Biểu mẫu {MARKER}",
        indicators=[indicator],
        assigned_kinds=["commune", "village"],
        period_type=periods.PeriodType.MONTHLY,
        deadline_days=5,
    )
    october = periods.parse(MONTH)
    rp.save_values(
        actor=None, dataset=dataset, unit=unit, period=october, values={indicator.pk: "4242"}
    )
    from hocvuso.reports.models import Report

    report = rp.submit_report(actor=None, report=Report.objects.get(dataset=dataset, unit=unit))
    target = rp.set_target(actor=None, indicator=indicator, unit=unit, year=2025, value=99)
    notify(users=[chief], subject=f"Tin {MARKER}", body=MARKER, url="/")
    api_token, _secret = create_api_token(actor=chief, name=f"Mã {MARKER}")
    learning = _learning_world(unit, village)
    communications = _communications_world(unit, village)
    return World(
        unit=unit,
        village=village,
        plan=plan,
        draft=draft,
        activity=draft_activity,
        task=task,
        draft_task=draft_task,
        evidence=Evidence.objects.get(),
        event=event,
        point=point,
        item=item,
        quota=quota,
        delegate=delegate,
        entry=entry,
        team=team,
        member=member,
        visit=Visit.objects.get(),
        indicator=indicator,
        dataset=dataset,
        report=report,
        target=target,
        notification=Notification.objects.get(user=chief),
        api_token=api_token,
        assignment=chief.role_assignments.get(),
        **learning,
        **communications,
    )


def _learning_world(unit: OrgUnit, village: OrgUnit) -> dict[str, Any]:
    """Phường Nam Hoa Lư's course, campaign and class, one learner on its roll with a
    certificate, and one file from the national platform."""
    from hocvuso.learning import models as lm
    from hocvuso.learning import services as ls

    now = timezone.now()
    course = lm.Course.objects.create(owner=unit, title=f"Khóa {MARKER}")
    campaign = lm.Campaign.objects.create(
        title=f"Đợt {MARKER}", lead=unit, starts_on=now.date(), ends_on=now.date()
    )
    session = lm.ClassSession.objects.create(
        course=course,
        campaign=campaign,
        organiser=unit,
        host=unit,
        province=OrgUnit.objects.get(path=unit.path[: OrgUnit.steplen]),
        venue=f"Hội trường {MARKER}",
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=2),
        status=lm.ClassSession.Status.OPEN,
    )
    person = ls.PersonInput(
        name=f"Người Học {MARKER}",
        birth_year=1970,
        commune_id=unit.pk,
        village_id=village.pk,
        phone="0912345678",
    )
    ls.record_attendance(
        actor=None,
        session=session,
        marks=[ls.Mark(id=uuid.uuid4(), status="present", person=person)],
        via="roll",
    )
    enrolment = lm.Enrolment.objects.get(session=session)
    certificate = lm.Certificate.objects.create(
        enrolment=enrolment,
        code="ZZNAM2345",
        holder_name=enrolment.learner.name,
        course_title=course.title,
        organiser_name=unit.name,
        completed_on=now.date(),
        issued_on=now.date(),
    )
    platform_import = lm.PlatformImport.objects.create(
        kind="completions", unit=unit, filename=f"{MARKER}.csv", sha256="0" * 64, rows=1
    )
    return {
        "course": course,
        "campaign": campaign,
        "learning_class": session,
        "learner": enrolment.learner,
        "enrolment": enrolment,
        "certificate": certificate,
        "platform_import": platform_import,
    }


def _communications_world(unit: OrgUnit, village: OrgUnit) -> dict[str, Any]:
    """Phường Nam Hoa Lư's own communications campaign, addressed to its village, and one
    output the commune logged in it (a link with the marker)."""
    from hocvuso.communications import services as cs
    from hocvuso.communications.models import Channel
    from hocvuso.core.uploads import check_upload

    today = timezone.localdate()
    campaign = cs.create_campaign(
        actor=None,
        owner=unit,
        title=f"Chiến dịch {MARKER}",
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=10),
        hashtags=f"#{MARKER}",
    )
    cs.set_targets(actor=None, campaign=campaign, targets=[cs.TargetInput(unit=village)])
    cs.publish_campaign(actor=None, campaign=campaign)
    output, _created = cs.log_output(
        actor=None,
        campaign=campaign,
        unit=unit,
        data=cs.OutputInput(
            title=f"Tin {MARKER}",
            published_on=today,
            channel=Channel.objects.get(code="facebook"),
            url=f"https://facebook.com/{MARKER}/posts/1",
        ),
    )
    _photo_of(output)
    poster = SimpleUploadedFile("ap-phich.pdf", b"%PDF-1.4\n% ZZNAM\n", "application/pdf")
    resource = cs.add_resource(
        actor=None,
        campaign=campaign,
        title=f"Áp phích {MARKER}",
        upload=check_upload(poster, "evidence"),
    )
    return {"comms_campaign": campaign, "comms_output": output, "comms_resource": resource}


def _photo_of(output: Any) -> None:
    """A banner photo of the output, so ``output_photo`` has a file to refuse."""
    import io

    from PIL import Image

    from hocvuso.communications.services.photos import check_photo, store_photo

    data = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(data, "PNG")
    upload = SimpleUploadedFile(f"{MARKER}.png", data.getvalue(), content_type="image/png")
    store_photo(output=output, upload=check_photo(upload), actor=None)


@dataclass(frozen=True)
class Check:
    """How a route is tried against the foreign commune.

    ``args`` builds the URL's arguments from the world; ``query`` its query string.
    ``scope="object"``: the URL names a foreign object, so every method answers 404 (405 for
    a method the route does not take, 403 for a read-only role's write). ``scope="own"``:
    the route lists or creates the persona's own things (``data`` posts foreign ids into its
    form); any answer but a server error, as long as it shows and writes nothing foreign.
    """

    args: Callable[[World], dict[str, object]] | None = None
    query: Callable[[World], str] | None = None
    scope: str = "object"
    data: Callable[[World], dict[str, object]] | None = None
    json: Callable[[World], dict[str, object]] | None = None


def obj(args: Callable[[World], dict[str, object]] | None = None, **kw: Any) -> Check:
    return Check(args=args, **kw)


def own(**kw: Any) -> Check:
    return Check(scope="own", **kw)


def _q(w: World) -> str:
    return f"unit={w.unit.pk}&period={MONTH}"


def unit(w: World) -> dict[str, object]:
    return {"pk": w.unit.pk}


def event(w: World) -> dict[str, object]:
    return {"pk": w.event.pk}


def point(w: World) -> dict[str, object]:
    return {"pk": w.event.pk, "point_pk": w.point.pk}


def dataset(w: World) -> dict[str, object]:
    return {"pk": w.dataset.pk}


def entry(w: World) -> dict[str, object]:
    return {"pk": w.dataset.pk, "unit_pk": w.unit.pk, "period": MONTH}


def comms(w: World) -> dict[str, object]:
    return {"pk": w.comms_campaign.pk}


def comms_resource(w: World) -> dict[str, object]:
    return {"pk": w.comms_campaign.pk, "resource_pk": w.comms_resource.pk}


# Every named route of the site (namespace:name), one line each.
ROUTES: dict[str, Check] = {
    "accounts:home": own(),
    "accounts:audit_log": own(),
    "accounts:notifications": own(),
    "accounts:notification_read": obj(lambda w: {"pk": w.notification.pk}),
    "accounts:notifications_read_all": own(),
    "accounts:api_tokens": own(),
    "accounts:api_token_revoke": obj(lambda w: {"pk": w.api_token.pk}),
    "accounts:person_add": obj(lambda w: {"unit_pk": w.unit.pk}),
    "accounts:role_revoke": obj(lambda w: {"pk": w.assignment.pk}),
    "orgunits:browser": own(),
    "orgunits:search": own(query=lambda w: "q=nam+hoa+lu"),
    "orgunits:detail": obj(unit),
    "orgunits:edit": obj(unit),
    "orgunits:add_child": obj(unit),
    "orgunits:population": obj(unit),
    "orgunits:import": obj(unit),
    "orgunits:import_template": own(),
    "plans:list": own(),
    "plans:detail": obj(lambda w: {"pk": w.plan.pk}),
    "plans:progress": obj(lambda w: {"pk": w.plan.pk}),
    "plans:export_docx": obj(lambda w: {"pk": w.plan.pk}),
    "plans:progress_xlsx": obj(lambda w: {"pk": w.plan.pk}),
    "plans:import": own(data=lambda w: {"issuing_unit": w.unit.pk}),
    "plans:review": obj(lambda w: {"pk": w.draft.pk}),
    "plans:publish": obj(lambda w: {"pk": w.draft.pk}),
    "plans:draft_task": obj(lambda w: {"pk": w.draft_task.pk}),
    "plans:draft_activity": obj(lambda w: {"pk": w.activity.pk}),
    "plans:create": own(data=lambda w: {"issuing_unit": w.unit.pk, "title": "x", "kind": "other"}),
    "plans:activity_add": obj(
        lambda w: {"pk": w.plan.pk}, data=lambda w: {"new-activity-title": "x"}
    ),
    "plans:activity_move": obj(lambda w: {"pk": w.activity.pk}),
    "plans:activity_delete": obj(lambda w: {"pk": w.activity.pk}),
    "plans:task_add": obj(
        lambda w: {"pk": w.plan.pk},
        data=lambda w: {"new-task-unit_name": "Phường Hoa Lư", "new-task-text": "x"},
    ),
    "plans:task_move": obj(lambda w: {"pk": w.task.pk}),
    "plans:duties": own(),
    "plans:task": obj(lambda w: {"pk": w.task.pk}),
    "plans:evidence": obj(lambda w: {"pk": w.evidence.pk}),
    "plans:source_file": obj(lambda w: {"pk": w.plan.pk}),
    "events:list": own(),
    "events:create": own(data=lambda w: {"organiser": w.unit.pk, "title": "x"}),
    "events:from_plan": obj(lambda w: {"plan_pk": w.plan.pk}),
    "events:detail": obj(event),
    "events:program_add": obj(event),
    "events:program_edit": obj(lambda w: {"pk": w.event.pk, "item_pk": w.item.pk}),
    "events:program_move": obj(lambda w: {"pk": w.event.pk, "item_pk": w.item.pk}),
    "events:program_delete": obj(lambda w: {"pk": w.event.pk, "item_pk": w.item.pk}),
    "events:quota_add": obj(event),
    "events:quota_edit": obj(lambda w: {"pk": w.event.pk, "quota_pk": w.quota.pk}),
    "events:quota_delete": obj(lambda w: {"pk": w.event.pk, "quota_pk": w.quota.pk}),
    "events:quota_register": obj(lambda w: {"pk": w.event.pk, "quota_pk": w.quota.pk}),
    "events:bridge_points": obj(event),
    "events:bridge_point_add": obj(event),
    "events:bridge_points_bulk": obj(event),
    "events:bridge_point_edit": obj(point),
    "events:control_room": obj(event),
    "events:control_launch": obj(event),
    "events:control_advance": obj(event),
    "events:point_link": obj(point),
    "events:point_revoke": obj(point),
    "events:delegates": obj(event),
    "events:delegate_add": obj(event),
    "events:delegate_edit": obj(lambda w: {"pk": w.event.pk, "delegate_pk": w.delegate.pk}),
    "events:delegate_delete": obj(lambda w: {"pk": w.event.pk, "delegate_pk": w.delegate.pk}),
    "events:attendee_names": obj(point),
    "events:registry_add": obj(lambda w: {"pk": w.event.pk, "kind": "booth"}),
    "events:registry_delete": obj(lambda w: {"pk": w.event.pk, "entry_pk": w.entry.pk}),
    "events:report_xlsx": obj(event),
    "events:report_docx": obj(event),
    "events:results_docx": obj(event),
    "fieldwork:coverage": obj(query=lambda w: f"unit={w.unit.pk}"),
    "learning:coverage": obj(query=lambda w: f"unit={w.unit.pk}&period=2025"),
    "fieldwork:visits": obj(query=lambda w: f"unit={w.unit.pk}"),
    "fieldwork:visit_import": obj(query=lambda w: f"unit={w.unit.pk}"),
    # --- learning: imports (views/imports.py)
    "learning:class_sheet": obj(lambda w: {"pk": w.learning_class.pk}),
    "learning:class_online_report": obj(lambda w: {"pk": w.learning_class.pk}),
    "learning:sheet_template": own(),
    "learning:platform_imports": own(),
    "learning:platform_completions": obj(query=lambda w: f"unit={w.unit.pk}"),
    "learning:platform_vneid": obj(query=lambda w: f"unit={w.unit.pk}"),
    "learning:duplicates": own(),
    "learning:duplicates_merge": own(
        data=lambda w: {"keep": w.learner.pk, "drop": w.learner.pk, "confirm": "on"}
    ),
    "fieldwork:teams": own(query=lambda w: f"unit={w.unit.pk}"),
    "fieldwork:team_create": own(data=lambda w: {"unit": w.unit.pk, "name": "x"}),
    "fieldwork:team": obj(lambda w: {"pk": w.team.pk}),
    "fieldwork:log": own(query=lambda w: f"team={w.team.pk}"),
    "reports:index": own(),
    "reports:indicators": obj(query=lambda w: f"unit={w.unit.pk}"),
    "reports:dataset_create": own(data=lambda w: {"owner_unit": w.unit.pk, "code": "x"}),
    "reports:dataset": obj(dataset),
    "reports:entry": obj(entry),
    "reports:submit": obj(entry),
    "reports:review": obj(lambda w: {"pk": w.report.pk}),
    "reports:decide": obj(lambda w: {"pk": w.report.pk}),
    "reports:approve_all": obj(dataset, data=lambda w: {"period": MONTH}),
    "reports:pivot": obj(query=lambda w: f"unit={w.unit.pk}"),
    "reports:pivot_xlsx": obj(query=lambda w: f"unit={w.unit.pk}"),
    "reports:dashboard": obj(query=lambda w: f"unit={w.unit.pk}"),
    "reports:values_import": obj(dataset, query=_q),
    "reports:values_template": obj(dataset, query=_q),
    "reports:completeness_xlsx": obj(dataset, query=_q),
    "reports:results": obj(query=_q),
    "reports:results_docx": obj(query=_q),
    "reports:results_pdf": obj(query=_q),
    "learning:classes": own(query=lambda w: f"unit={w.unit.pk}&campaign={w.campaign.pk}"),
    "learning:class_create": own(
        query=lambda w: f"event={w.event.pk}&activity={w.activity.pk}&campaign={w.campaign.pk}",
        data=lambda w: {
            "course": w.course.pk,
            "campaign": w.campaign.pk,
            "organiser": w.unit.pk,
            "host": w.unit.pk,
            "starts_at": "2099-01-01T08:00",
            "ends_at": "2099-01-01T10:00",
            "mode": "in_person",
            "target_group": "citizens",
        },
    ),
    "learning:class": obj(lambda w: {"pk": w.learning_class.pk}),
    "learning:class_edit": obj(lambda w: {"pk": w.learning_class.pk}),
    "learning:class_status": obj(
        lambda w: {"pk": w.learning_class.pk}, data=lambda w: {"status": "held"}
    ),
    "learning:class_enrol": obj(
        lambda w: {"pk": w.learning_class.pk},
        data=lambda w: {"name": "Người Mới", "birth_year": "1980", "group": "citizens"},
    ),
    "learning:courses": own(),
    "learning:course_create": own(data=lambda w: {"owner": w.unit.pk, "title": "x", "hours": "2"}),
    "learning:course": obj(lambda w: {"pk": w.course.pk}),
    "learning:topics": own(),
    "learning:topic_edit": obj(lambda w: {"pk": _a_topic()}, data=lambda w: {}),
    "communications:channels": own(data=lambda w: {"new-name": "x", "new-family": "other"}),
    "communications:channel_edit": obj(
        lambda w: {"pk": _a_channel()},
        data=lambda w: {f"{_a_channel()}-name": "x", f"{_a_channel()}-family": "other"},
    ),
    "learning:campaigns": own(),
    "learning:campaign_create": own(
        query=lambda w: f"activity={w.activity.pk}",
        data=lambda w: {
            "lead": w.unit.pk,
            "title": "x",
            "starts_on": "2099-01-01",
            "ends_on": "2099-01-02",
            "activity": w.activity.pk,
        },
    ),
    "learning:campaign": obj(lambda w: {"pk": w.campaign.pk}),
    "learning:campaign_edit": obj(lambda w: {"pk": w.campaign.pk}),
    "learning:results": obj(lambda w: {"pk": w.learning_class.pk}),
    "learning:class_certificates_pdf": obj(lambda w: {"pk": w.learning_class.pk}),
    "learning:certificate_pdf": obj(lambda w: {"pk": w.certificate.pk}),
    "learning:certificate_revoke": obj(lambda w: {"pk": w.certificate.pk}),
    "learning:class_qr": obj(lambda w: {"pk": w.learning_class.pk}),
    "learning:roll_call": obj(lambda w: {"pk": w.learning_class.pk}),
    "learning:roll_marks": obj(
        lambda w: {"pk": w.learning_class.pk},
        json=lambda w: {
            "marks": [
                {"id": str(w.enrolment.pk), "status": "absent", "learner_id": w.learner.pk},
                {
                    "id": str(uuid.uuid4()),
                    "status": "present",
                    "person": {"name": "Lạ", "birth_year": 1980, "commune_id": w.unit.pk},
                },
            ]
        },
    ),
    # --- communications: campaigns (views/campaigns.py)
    "communications:campaigns": own(),
    "communications:campaign_create": own(
        data=lambda w: {
            "owner": w.unit.pk,
            "title": "x",
            "starts_on": "2025-10-01",
            "ends_on": "2025-10-31",
            "activity": w.activity.pk,
            "event": w.event.pk,
        }
    ),
    "communications:campaign": obj(comms),
    "communications:campaign_edit": obj(comms, data=lambda w: {"title": "x"}),
    "communications:campaign_targets": obj(
        comms, data=lambda w: {"blocks": "1", "t0_whom": f"unit:{w.village.pk}"}
    ),
    "communications:campaign_publish": obj(comms),
    "communications:campaign_resource_add": obj(
        comms, data=lambda w: {"title": "x", "url": "https://example.com/"}
    ),
    "communications:campaign_resource_file": obj(comms_resource),
    "communications:campaign_resource_delete": obj(comms_resource),
    # --- communications: outputs (views/outputs.py)
    "communications:log": own(),
    "communications:log_output": obj(
        lambda w: {"pk": w.comms_campaign.pk},
        data=lambda w: {
            "unit": w.unit.pk,
            "title": "x",
            "channel": "",
            "url": "https://facebook.com/x/1",
            "published_on": str(timezone.localdate()),
        },
    ),
    "communications:recognise": own(query=lambda w: "url=https%3A%2F%2Fyoutu.be%2Fabc"),
    "communications:outputs": obj(query=lambda w: f"unit={w.unit.pk}"),
    "communications:output_edit": obj(
        lambda w: {"pk": w.comms_output.pk}, data=lambda w: {"title": "Đổi", "channel": ""}
    ),
    "communications:output_delete": obj(lambda w: {"pk": w.comms_output.pk}),
    "communications:output_hide": obj(lambda w: {"pk": w.comms_output.pk}),
    "communications:output_photo": obj(
        lambda w: {"pk": w.comms_output.pk, "photo_pk": w.comms_output.photos.get().pk}
    ),
    # --- communications: board (views/board.py)
    "communications:board": obj(lambda w: {"pk": w.comms_campaign.pk}),
    "communications:silent": obj(lambda w: {"pk": w.comms_campaign.pk}),
    "communications:gallery": obj(lambda w: {"pk": w.comms_campaign.pk}),
    "communications:board_xlsx": obj(lambda w: {"pk": w.comms_campaign.pk}),
    "communications:board_csv": obj(lambda w: {"pk": w.comms_campaign.pk}),
    "communications:report_docx": obj(lambda w: {"pk": w.comms_campaign.pk}),
    # --- communications: imports (views/imports.py)
    "communications:outputs_import": obj(comms),
    "communications:outputs_import_template": obj(comms),
}


def _a_channel() -> int:
    """A channel of the province's list (installed by the communications app's migration):
    only the province's editors change it."""
    from hocvuso.communications.models import Channel

    return Channel.objects.order_by("pk").values_list("pk", flat=True).first()


def _a_topic() -> int:
    """A topic of the province's list (installed by the learning app's data migration):
    only the province's editors change it."""
    from hocvuso.learning.models import Topic

    return Topic.objects.order_by("pk").values_list("pk", flat=True).first()


# Routes that need no unit scope, each with the reason.
NO_SCOPE: dict[str, str] = {
    "accounts:login": "signing in: before any account",
    "accounts:logout": "signing out ends one's own session",
    "accounts:password_change": "one's own password",
    "accounts:password_change_done": "one's own password",
    "events:point_screen": "opened by the bridge point's secret link (192 bits), no account",
    "events:point_state": "opened by the bridge point's secret link",
    "events:point_attendance": "opened by the bridge point's secret link",
    "events:point_check_in": "opened by the bridge point's secret link",
    "events:point_connected": "opened by the bridge point's secret link",
    "events:point_trouble": "opened by the bridge point's secret link",
    "events:rsvp": "a delegate answers from their own secret link, no account",
    "fieldwork:service_worker": "the phone form's script, the same for everyone",
    "fieldwork:manifest": "the phone form's web-app manifest, the same for everyone",
    "learning:roll_service_worker": "the roll call's script, the same for everyone",
    "learn:checkin": "a learner's own phone at the door, no account: opened by the class's "
    "rotating code (an HMAC of its secret, 40 bits, valid 30 to 60 s), rate-limited per address",
    "statistics:index": "public statistics, published for everyone by design",
    "learn:finder": "the public class finder: upcoming classes, published for everyone",
    "learn:class": "a public class page and its registration, no account by design",
    "learn:registered": "shows only the code kept in this browser's own session",
    "learn:calendar": "a public class's calendar file, the same for everyone",
    "learn:verify_form": "a box to type a certificate's code, the same for everyone",
    "learn:verify": "certificate verification: initials, course, date, organiser by design",
    # --- communications: public pages (views/public.py)
    "comms:campaign": "a published campaign its owner made public: titles, links, units and "
    "channels of the outputs not hidden, nobody's name, by design; a draft or private one is 404",
    "communications:service_worker": "the outputs phone form's script, the same for everyone",
    "set_language": "the interface language of one's own session",
    "api:openapi-json": "the API's description, the same for everyone",
    "api:openapi-view": "the API's documentation page, the same for everyone",
    "api:api-root": "the API's root, answers nothing of any unit",
    "admin:": "Django's admin: superusers (staff) only, every page behind its own login",
}

# Every API operation ("METHOD /path" as in the OpenAPI document), one line each.
OPERATIONS: dict[str, Check] = {
    "GET /api/me/": own(),
    "GET /api/units/": own(query=lambda w: "q=nam+hoa+lu"),
    "GET /api/units/{unit_id}": obj(lambda w: {"unit_id": w.unit.pk}),
    "GET /api/units/{unit_id}/children": obj(lambda w: {"unit_id": w.unit.pk}),
    "GET /api/plans/": own(query=lambda w: f"issuing_unit={w.unit.pk}"),
    "GET /api/plans/tasks": own(query=lambda w: f"unit={w.village.pk}"),
    "GET /api/plans/{plan_id}": obj(lambda w: {"plan_id": w.plan.pk}),
    "GET /api/plans/{plan_id}/tasks": obj(lambda w: {"plan_id": w.plan.pk}),
    "GET /api/events/": own(query=lambda w: f"organiser={w.unit.pk}"),
    "GET /api/events/{event_id}": obj(lambda w: {"event_id": w.event.pk}),
    "GET /api/events/{event_id}/bridge-points": obj(lambda w: {"event_id": w.event.pk}),
    "POST /api/events/{event_id}/bridge-points/{point_id}/attendance": obj(
        lambda w: {"event_id": w.event.pk, "point_id": w.point.pk},
        json=lambda w: {"submission_id": str(uuid.uuid4()), "counts": {"officials": 5}},
    ),
    "POST /api/fieldwork/visits/batch": own(json=lambda w: {"visits": [_visit_json(w)]}),
    "GET /api/fieldwork/teams": own(query=lambda w: f"unit={w.unit.pk}"),
    "GET /api/fieldwork/teams/{team_id}": obj(lambda w: {"team_id": w.team.pk}),
    "GET /api/fieldwork/visits": own(query=lambda w: f"unit={w.unit.pk}"),
    "GET /api/reports/indicators": own(),
    "GET /api/reports/indicators/{indicator_id}": own(
        args=lambda w: {"indicator_id": w.indicator.pk}
    ),
    "GET /api/reports/targets": own(query=lambda w: f"unit={w.unit.pk}"),
    "GET /api/reports/datasets": own(),
    "GET /api/reports/values": own(query=lambda w: f"unit={w.unit.pk}"),
    "POST /api/reports/values": obj(
        json=lambda w: {
            "dataset": w.dataset.pk,
            "unit": w.unit.pk,
            "period": MONTH,
            "values": {str(w.indicator.pk): "1"},
        }
    ),
    "GET /api/reports/figures": obj(query=lambda w: f"unit={w.unit.pk}&period={MONTH}"),
    "GET /api/reports/reports": own(query=lambda w: f"dataset={w.dataset.pk}"),
    "GET /api/learning/courses": own(),
    "GET /api/learning/courses/{course_id}": obj(lambda w: {"course_id": w.course.pk}),
    "GET /api/learning/classes": own(query=lambda w: f"unit={w.unit.pk}"),
    "GET /api/learning/classes/{class_id}": obj(lambda w: {"class_id": w.learning_class.pk}),
    "GET /api/learning/classes/{class_id}/enrolments": obj(
        lambda w: {"class_id": w.learning_class.pk}
    ),
    "POST /api/learning/classes/{class_id}/attendance": obj(
        lambda w: {"class_id": w.learning_class.pk},
        json=lambda w: {
            "marks": [
                {"id": str(w.enrolment.pk), "status": "absent", "learner_id": w.learner.pk},
                {"id": str(uuid.uuid4()), "status": "present", "learner_id": w.learner.pk},
            ]
        },
    ),
    "GET /api/learning/completions/classes": own(query=lambda w: f"unit={w.unit.pk}"),
    "GET /api/learning/completions/platform": own(query=lambda w: f"unit={w.unit.pk}"),
    # --- communications (communications/api.py)
    "GET /api/communications/channels": own(),
    "GET /api/communications/campaigns": own(),
    "GET /api/communications/campaigns/{campaign_id}": obj(
        lambda w: {"campaign_id": w.comms_campaign.pk}
    ),
    "GET /api/communications/outputs": own(
        query=lambda w: f"unit={w.unit.pk}&campaign={w.comms_campaign.pk}"
    ),
    "POST /api/communications/outputs": obj(
        json=lambda w: {
            "id": str(uuid.uuid4()),
            "campaign": w.comms_campaign.pk,
            "unit": w.unit.pk,
            "title": "Tin mới",
            "channel": "loudspeaker",
            "published_on": str(timezone.localdate()),
        }
    ),
}


def _visit_json(w: World) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "team": w.team.pk,
        "village": w.village.pk,
        "visited_on": str(timezone.localdate()),
        "household": "Nhà mới",
        "people_guided": 1,
    }


def _walk(patterns: list[Any], namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name or pattern.pattern}")
    return names


def api_operations() -> list[str]:
    from hocvuso.api import api

    schema = api.get_openapi_schema()
    return [f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops]


def _api_operation_routes() -> set[str]:
    """The resolver's names of the API's operations (``api:get_unit`` …): django-ninja names
    each after its function, whose module path prefixes the operation id."""
    from hocvuso.api import api

    schema = api.get_openapi_schema()
    return {
        "api:" + op["operationId"].rsplit("_api_", 1)[-1]
        for ops in schema["paths"].values()
        for op in ops.values()
    }


def test_every_route_and_api_operation_is_in_the_matrix():
    """A new route or API operation must be added to ROUTES/OPERATIONS (or, with a reason,
    to NO_SCOPE): this fails naming each one that is in neither."""
    operations = _api_operation_routes()
    missing = [
        name
        for name in _walk(get_resolver().url_patterns)
        if name not in ROUTES
        and name not in NO_SCOPE
        and name not in operations
        and not any(p.endswith(":") and name.startswith(p) for p in NO_SCOPE)
    ]
    missing += [op for op in api_operations() if op not in OPERATIONS]
    assert not missing, f"routes not covered by the permission matrix: {missing}"
    stale = [n for n in ROUTES if n not in _walk(get_resolver().url_patterns)]
    stale += [op for op in OPERATIONS if op not in api_operations()]
    assert not stale, f"the matrix names routes that no longer exist: {stale}"


def _persona(tree: Any, role: str) -> User:
    unit = tree.hoalu_village if role == Role.TEAM_MEMBER else tree.hoalu
    return make_person(f"p_{role}", role, unit)


def _row_counts() -> dict[str, int]:
    """Rows of every model of the project: a write that slipped through shows here."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("hocvuso.")
    }


def _requests(world: World) -> list[tuple[str, str, str, Check]]:
    """(label, method, url, check) for every route and API operation."""
    out = []
    for name, check in ROUTES.items():
        url = reverse(name, kwargs=check.args(world) if check.args else None)
        if check.query:
            url += "?" + check.query(world)
        out += [(name, "GET", url, check), (name, "POST", url, check)]
    for op, check in OPERATIONS.items():
        method, path = op.split(" ", 1)
        url = path.format(**(check.args(world) if check.args else {}))
        if check.query:
            url += "?" + check.query(world)
        out.append((op, method, url, check))
    return out


def _send(client: Any, method: str, url: str, check: Check, world: World) -> Any:
    if method == "GET":
        return client.get(url)
    if check.json is not None:
        return client.post(url, check.json(world), content_type="application/json")
    return client.post(url, check.data(world) if check.data else {})


def _problem(role: str, label: str, method: str, check: Check, response: Any) -> str | None:
    status = response.status_code
    label = label if label.startswith(method) else f"{method} {label}"
    if check.scope == "object":
        allowed = {404, 405} | ({403} if method != "GET" else set())
        if status not in allowed:
            return f"{role} {label}: {status}, expected 404"
    elif status >= 500:
        return f"{role} {label}: {status}"
    body = b"".join(response) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    shown = [word for word in FOREIGN if word in text]
    if shown:
        return f"{role} {label}: shows {shown}"
    return None


@pytest.mark.parametrize("role", list(Role))
def test_no_persona_reaches_another_communes_objects_by_any_route(client, tree, role):
    world = build_world(tree)
    client.force_login(_persona(tree, role))
    client.raise_request_exception = False  # a server error is one more line in the report
    before, audit_before = _row_counts(), AuditLog.objects.count()
    problems = []
    for label, method, url, check in _requests(world):
        problem = _problem(role, label, method, check, _send(client, method, url, check, world))
        if problem:
            problems.append(problem)
    assert not problems, "\n".join(problems)
    assert AuditLog.objects.count() == audit_before
    assert _row_counts() == before
    world.unit.refresh_from_db()
    assert world.unit.name == "Phường Nam Hoa Lư"


def test_the_matrix_builds_urls_that_open_for_the_province(client, tree, coordinator):
    """The same URLs answer the province's coordinator (who sees Nam Hoa Lư): a 404 in the
    matrix is the scope's, not a wrong URL's."""
    world = build_world(tree)
    client.force_login(coordinator)
    client.raise_request_exception = False
    wrong = []
    for label, method, url, check in _requests(world):
        if method == "GET" and check.scope == "object":
            response = client.get(url)
            if response.streaming:  # read to the end: the test client then closes the file
                b"".join(response)
            if response.status_code in {404, 500}:
                wrong.append(f"{label}: {response.status_code}")
    assert not wrong, wrong


# --- The original hand-written checks

ROLES = list(Role)
READ_URLS = ["/units/{pk}/", "/api/units/{pk}", "/api/units/{pk}/children"]
# Reports' analysis pages take the unit from the query string.
READ_URLS += [
    "/reports/pivot/?unit={pk}",
    "/reports/pivot/xlsx?unit={pk}",
    "/reports/dashboard/?unit={pk}",
]
WRITE_URLS = [
    ("/units/{pk}/edit/", {"name": "Đổi tên", "kind": "commune"}),
    ("/units/{pk}/add/", {"name": "Thôn mới", "kind": "village"}),
    ("/units/{pk}/population/", {"year": "2026", "adults": "1", "households": "1"}),
    ("/units/{pk}/import/", None),
]


def _person_on_hoalu(tree, role):
    unit = tree.hoalu_village if role == Role.TEAM_MEMBER else tree.hoalu
    return make_person(f"p_{role}", role, unit)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", READ_URLS)
def test_no_role_reads_another_commune(client, tree, role, url):
    _person_on_hoalu(tree, role)
    client.force_login(User.objects.get(username=f"p_{role}"))
    for target in (tree.namhoalu, tree.namhoalu_village):
        assert client.get(url.format(pk=target.pk)).status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "data"), WRITE_URLS)
def test_no_role_changes_another_commune(client, tree, role, url, data):
    _person_on_hoalu(tree, role)
    client.force_login(User.objects.get(username=f"p_{role}"))
    before = AuditLog.objects.count()
    for target in (tree.namhoalu, tree.namhoalu_village):
        path = url.format(pk=target.pk)
        assert client.get(path).status_code == 404
        assert client.post(path, data or {}).status_code == 404
    tree.namhoalu.refresh_from_db()
    assert tree.namhoalu.name == "Phường Nam Hoa Lư"
    assert not UnitPopulation.objects.filter(unit=tree.namhoalu).exists()
    assert OrgUnit.objects.filter(name="Thôn mới").count() == 0
    assert AuditLog.objects.count() == before


@pytest.mark.parametrize("role", ROLES)
def test_search_never_shows_another_commune(client, tree, role):
    _person_on_hoalu(tree, role)
    client.force_login(User.objects.get(username=f"p_{role}"))
    page = client.get("/units/search/", {"q": "thon dong"}).content.decode()
    assert "Thôn Đông" not in page
    assert client.get("/api/units/", {"q": "nam hoa lu"}).json()["items"] == []


@pytest.mark.parametrize(
    ("role", "may_edit"),
    [
        (Role.ADMINISTRATOR, True),
        (Role.COORDINATOR, True),
        (Role.FOCAL_POINT, True),
        (Role.TEAM_MEMBER, False),
        (Role.VIEWER, False),
    ],
)
def test_own_unit_is_readable_and_writable_only_by_editing_roles(client, tree, role, may_edit):
    _person_on_hoalu(tree, role)
    client.force_login(User.objects.get(username=f"p_{role}"))
    own = tree.hoalu_village
    assert client.get(f"/units/{own.pk}/").status_code == 200
    response = client.post(f"/units/{own.pk}/edit/", {"name": "Tổ 1 mới", "kind": "village"})
    assert response.status_code == (302 if may_edit else 403)
    own.refresh_from_db()
    assert (own.name == "Tổ 1 mới") is may_edit


def test_role_on_province_covers_every_commune(client, coordinator, tree):
    client.force_login(User.objects.get(username="coordinator"))
    for unit in (tree.hoalu, tree.namhoalu, tree.namhoalu_village, tree.agency):
        assert client.get(f"/units/{unit.pk}/").status_code == 200


def test_focal_point_cannot_reach_the_province_above(client, hoalu_focal_point, tree):
    client.force_login(User.objects.get(username="hoalu"))
    assert client.get(f"/units/{tree.province.pk}/").status_code == 404
    assert client.get(f"/units/{tree.agency.pk}/").status_code == 404


def test_anonymous_is_sent_to_login_and_api_refuses(client, tree):
    response = client.get(f"/units/{tree.hoalu.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get(f"/api/units/{tree.hoalu.pk}").status_code == 401


def test_person_without_role_sees_nothing(client, tree):
    from hocvuso.accounts.services import create_user

    create_user(
        actor=None, username="norole", password=PASSWORD, unit=tree.hoalu, role=Role.VIEWER
    ).role_assignments.all().delete()
    client.force_login(User.objects.get(username="norole"))
    assert client.get(f"/units/{tree.hoalu.pk}/").status_code == 404
    assert "chưa được giao" in client.get("/").content.decode()


def test_audit_log_is_for_coordinators_and_scoped(client, tree, coordinator, hoalu_focal_point):
    from hocvuso.orgunits.services import update_unit

    update_unit(actor=coordinator, unit=tree.namhoalu, short_name="Nam Hoa Lư")
    client.force_login(User.objects.get(username="hoalu"))
    assert client.get("/audit/").status_code == 403
    client.logout()
    client.force_login(User.objects.get(username="coordinator"))
    page = client.get("/audit/").content.decode()
    assert "Phường Nam Hoa Lư" in page
    assert "Tên ngắn" in page  # the field's label, not its name


def test_audit_log_of_commune_administrator_stops_at_the_commune(client, tree, coordinator):
    from hocvuso.orgunits.services import update_unit

    make_person("communeadmin", Role.ADMINISTRATOR, tree.hoalu)
    update_unit(actor=coordinator, unit=tree.namhoalu, short_name="Nam Hoa Lư")
    update_unit(actor=coordinator, unit=tree.hoalu, short_name="Hoa Lư")
    client.force_login(User.objects.get(username="communeadmin"))
    page = client.get("/audit/").content.decode()
    assert "Nam Hoa Lư" not in page
    assert "Phường Hoa Lư" in page
