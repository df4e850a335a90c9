"""Issue 13, deliver 9: the bad-input corpus (``tests/badinput.py``) through every upload, every
API write and the main HTML forms, as the persona who may use each.

Each case must answer in under 5 s, never with a server error, and either

* refuse the input: no row of any of the project's tables and no file is added or changed
  (audit rows included), and the answer carries a clear message in Vietnamese; or
* where a careful program may take the input after cleaning it (text with control
  characters, formula-looking text, a superscript digit), store only clean values — no NUL or
  control character, nothing longer than its column, no number outside its column's range —
  and every export showing the value answers and stays safe to open (no formula cell, no CSV
  field that a spreadsheet would run).

Next to the bad cases, each endpoint's good input is shown to be saved: the refusals are then
the bad value's doing, not a wrong form.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import re
import resource
import signal
import time
import traceback
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test import Client
from django.utils import timezone

from tests import badinput as B

TIME_LIMIT = 5.0  # seconds, per request
# A request that has not answered by then is stopped, so that a bomb fails the test instead
# of holding the run for minutes.
HARD_LIMIT = 60
MEMORY_LIMIT_KB = 512 * 1024
SAMPLES = Path(__file__).resolve().parent.parent / "hocvuso/plans/tests/samples"
MARKER = "Thôn Đồng Tâm"  # Vietnamese text whose bytes differ in every encoding
DAY = "10/10/2025"
PERIOD = "2025-10"

# --- What every answer is checked for

VIETNAMESE = re.compile(
    "[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.IGNORECASE
)
ENGLISH = (
    "This field",
    "Null characters are not allowed",
    "Not Found",
    "Ensure this value",
    "Enter a valid",
    "Select a valid",
    "is not a valid",
    "Input should be",
    "Field required",
    "field required",
    "Traceback",
    "Server Error",
    "Expecting value",
    "The submitted file",
    "Upload a valid",
)


class TooSlow(Exception):
    pass


@dataclass
class Answer:
    status: int
    seconds: float
    content: bytes
    body: str
    messages: list[str]
    response: Any


class _Alerts(HTMLParser):
    """Texts of a page's error regions: ``role="alert"``, ``class="… error …"`` and the
    messages list."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        alert = values.get("role") == "alert" or "error" in classes or "errorlist" in classes
        if self.depth:
            self.depth += 1
        elif alert:
            self.depth = 1
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and data.strip():
            self.texts[-1] += " " + data.strip()


def page_alerts(html: str) -> list[str]:
    parser = _Alerts()
    parser.feed(html)
    return [t.strip() for t in parser.texts if t.strip()]


def json_messages(data: object) -> list[str]:
    """The strings of a JSON answer meant for a person: ``detail``, ``error``, ``rejected``."""
    found: list[str] = []
    if isinstance(data, dict):
        for key in ("detail", "error", "rejected", "errors", "message"):
            value = data.get(key)
            if isinstance(value, str) and value:
                found.append(value)
            elif isinstance(value, dict):
                found += [str(v) for v in value.values()]
            elif isinstance(value, list):
                found += [json.dumps(v, ensure_ascii=False) for v in value]
    return found


def _on_alarm(signum: int, frame: object) -> None:
    raise TooSlow


def send(client: Client, method: str, path: str, **kwargs: Any) -> Answer:
    """One request, timed, its server error turned into a readable failure."""
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(HARD_LIMIT)
    started = time.perf_counter()
    try:
        response = getattr(client, method)(path, **kwargs)
        streamed = getattr(response, "streaming", False)
        content = b"".join(response.streaming_content) if streamed else response.content
    except TooSlow:
        pytest.fail(f"{method.upper()} {path}: no answer after {HARD_LIMIT} s")
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        pytest.fail(
            f"{method.upper()} {path}: server error (500) — {type(exc).__name__}: "
            f"{str(exc)[:300]} [{Path(frame.filename).name}:{frame.lineno}]"
        )
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    seconds = time.perf_counter() - started
    body = content.decode("utf-8", "replace")
    messages: list[str] = []
    if response.status_code in (301, 302, 303):
        follow = client.get(response["Location"])
        messages = page_alerts(follow.content.decode("utf-8", "replace"))
    elif "json" in response.get("Content-Type", ""):
        messages = json_messages(response.json())
    else:
        messages = page_alerts(body)
    return Answer(response.status_code, seconds, content, body, messages, response)


# --- What the database holds


def project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("hocvuso.")]


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def snapshot(rows: list[models.Model]) -> dict[str, object]:
    """Row counts of every table of the project, the files stored, and the values of the
    rows an edit would change."""
    state: dict[str, object] = {m._meta.label: m.objects.count() for m in project_models()}
    state["files"] = len(media_files())
    for row in rows:
        state[f"{row._meta.label}#{row.pk}"] = type(row).objects.filter(pk=row.pk).values().first()
    return state


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _checked_fields(model: type[models.Model]) -> list[models.Field]:
    kinds = (models.CharField, models.TextField, models.JSONField, models.DecimalField)
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, kinds) or (isinstance(f, models.IntegerField) and not f.primary_key)
    ]


def _value_problem(f: models.Field, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(f, models.CharField | models.TextField | models.JSONField):
        for text in _strings(value):
            if B.has_forbidden(text):
                return repr(text[:60])
        limit = getattr(f, "max_length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            return f"{len(value)} > {limit} characters"
    elif isinstance(f, models.DecimalField):
        if abs(value) >= Decimal(10) ** (f.max_digits - f.decimal_places):
            return f"{value} does not fit its column"
    else:
        low, high = connection.ops.integer_field_range(f.get_internal_type())
        if not (-(2**63) if low is None else low) <= value <= (2**63 if high is None else high):
            return f"{value} does not fit its column"
    return None


def database_problems(labels: set[str] | None = None) -> list[str]:
    """Every stored value a clean input cannot have left — a NUL or control character, text
    longer than its column, a number outside its column's range — in the tables ``labels``
    (all of the project's when None), one query per table."""
    problems = []
    for model in project_models():
        if labels is not None and model._meta.label not in labels:
            continue
        checked = _checked_fields(model)
        for pk, *values in model.objects.values_list("pk", *(f.attname for f in checked)):
            for f, value in zip(checked, values, strict=True):
                problem = _value_problem(f, value)
                if problem:
                    problems.append(f"{model._meta.label}#{pk}.{f.name}: {problem}")
    return problems


def stored_texts(labels: set[str] | None = None) -> Iterator[str]:
    for model in project_models():
        if labels is not None and model._meta.label not in labels:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for values in model.objects.values_list(*fields):
            yield from _strings(list(values))


# --- Exports of what was taken


def export_problems(content: bytes, content_type: str) -> list[str]:
    """Formula cells in a workbook; CSV fields a spreadsheet would evaluate; parts of a Word
    file that are no longer XML."""
    problems = []
    if "spreadsheetml" in content_type:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(content))
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        problems.append(
                            f"{sheet.title}!{cell.coordinate} is a formula: {cell.value}"
                        )
                    elif isinstance(cell.value, str) and B.has_forbidden(cell.value):
                        problems.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    elif "csv" in content_type:
        for line, cells in enumerate(csv.reader(io.StringIO(content.decode("utf-8-sig"))), 1):
            for value in cells:
                runs = value.startswith(("=", "+", "@", "\t", "\r")) or (
                    value.startswith("-") and not re.fullmatch(r"-\d+([.,]\d+)?", value)
                )
                if runs:
                    problems.append(f"CSV line {line}: field {value!r} runs as a formula")
    elif "wordprocessingml" in content_type:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            xml = package.read("word/document.xml").decode()
        if B.has_forbidden(xml):
            problems.append("document.xml holds a control character")
    return problems


# --- The world every case runs in


class World:
    """The persona tree, and the objects an endpoint writes to, each made on first use (a
    case builds only what its endpoint needs, before its snapshot is taken)."""

    def __init__(self, tree: Any, users: dict[str, Any]) -> None:
        self.tree = tree
        self.users = users
        self.tokens: dict[str, str] = {}

    @property
    def coordinator(self) -> Any:
        return self.users["coordinator"]

    def client(self, username: str | None) -> Client:
        client = Client()
        if username:
            client.force_login(self.users[username])
        return client

    def bearer(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            from hocvuso.accounts.services import create_api_token

            _token, secret = create_api_token(actor=self.users[username], name="corpus")
            self.tokens[username] = secret
        return {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[username]}"}

    @functools.cached_property
    def learning_class(self) -> Any:
        from hocvuso.learning.models import Course
        from hocvuso.learning.tests.conftest import make_class

        course = Course.objects.create(owner=self.tree.province, title="Kỹ năng số", hours=2)
        return make_class(self.tree, course)

    @functools.cached_property
    def plan(self) -> Any:
        from hocvuso.plans.models import Plan
        from hocvuso.plans.services import add_task, create_plan, publish_plan

        plan = create_plan(
            actor=self.coordinator,
            issuing_unit=self.tree.province,
            kind=Plan.Kind.OTHER,
            title="Kế hoạch A",
        )
        add_task(
            actor=self.coordinator,
            plan=plan,
            unit=self.tree.hoalu,
            text="Hướng dẫn từng hộ",
            deadline=datetime.date(2026, 12, 30),
        )
        return publish_plan(plan=plan, actor=self.coordinator)

    @functools.cached_property
    def task(self) -> Any:
        return self.plan.tasks.get()

    @functools.cached_property
    def event(self) -> Any:
        from hocvuso.events.services import create_event

        return create_event(
            actor=self.coordinator,
            organiser=self.tree.province,
            title="Lễ phát động",
            starts_at=datetime.datetime(2099, 11, 8, 1, 0, tzinfo=datetime.UTC),
        )

    @functools.cached_property
    def point(self) -> Any:
        from hocvuso.events.services import add_bridge_points

        [point] = add_bridge_points(
            actor=self.coordinator, event=self.event, hosts=[self.tree.hoalu]
        )
        return point

    @functools.cached_property
    def team(self) -> Any:
        from hocvuso.fieldwork.services import create_team

        return create_team(
            actor=self.coordinator, unit=self.tree.hoalu, name="Tổ CNS phường Hoa Lư"
        )

    @functools.cached_property
    def member(self) -> Any:
        from hocvuso.fieldwork.services import add_member

        return add_member(
            actor=self.coordinator, team=self.team, name="Nguyễn Văn Tổ", role="leader"
        )

    @functools.cached_property
    def course(self) -> Any:
        from hocvuso.learning.services import create_course

        return create_course(
            actor=None, owner=self.tree.province, title="Kỹ năng số cơ bản", hours=3
        )

    @functools.cached_property
    def number(self) -> Any:
        """A numeric indicator of the dataset."""
        from hocvuso.reports.services import create_indicator

        return create_indicator(actor=None, code="bad-guided", name="Người được hướng dẫn")

    @functools.cached_property
    def text(self) -> Any:
        """A text indicator of the dataset."""
        from hocvuso.reports.models import Indicator
        from hocvuso.reports.services import create_indicator

        return create_indicator(
            actor=None,
            code="bad-note",
            name="Khó khăn, vướng mắc",
            value_type=Indicator.ValueType.TEXT,
            aggregation=Indicator.Aggregation.NONE,
        )

    @functools.cached_property
    def upcoming_class(self) -> Any:
        """A class of Phường Hoa Lư open for registration, tomorrow."""

        from hocvuso.learning.models import ClassSession, Course

        course = Course.objects.create(owner=self.tree.province, title="Kỹ năng số cơ bản")
        starts_at = timezone.now() + datetime.timedelta(days=1)
        return ClassSession.objects.create(
            course=course,
            organiser=self.tree.hoalu,
            host=self.tree.hoalu,
            province=self.tree.province,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
            status=ClassSession.Status.OPEN,
        )

    @functools.cached_property
    def comms_campaign(self) -> Any:
        """The province's published communications campaign, addressed to every commune,
        over October and November 2025 (``DAY`` lies in it)."""
        from hocvuso.communications import services as cs

        campaign = cs.create_campaign(
            actor=None,
            owner=self.tree.province,
            title="Tuyên truyền Phong trào Bình dân học vụ số",
            starts_on=datetime.date(2025, 10, 1),
            ends_on=datetime.date(2025, 11, 30),
            hashtags="#BinhDanHocVuSo",
        )
        cs.set_targets(actor=None, campaign=campaign, targets=[cs.TargetInput(unit_kind="commune")])
        return cs.publish_campaign(actor=None, campaign=campaign)

    @functools.cached_property
    def comms_live_campaign(self) -> Any:
        """A communications campaign of the province, running today, for every commune."""
        from hocvuso.communications import services as cs

        today = timezone.localdate()
        campaign = cs.create_campaign(
            actor=None,
            owner=self.tree.province,
            title="Tháng truyền thông",
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=30),
        )
        cs.set_targets(actor=None, campaign=campaign, targets=[cs.TargetInput(unit_kind="commune")])
        return cs.publish_campaign(actor=None, campaign=campaign)

    @functools.cached_property
    def dataset(self) -> Any:
        from hocvuso.reports import periods
        from hocvuso.reports.services import create_dataset

        return create_dataset(
            actor=None,
            owner_unit=self.tree.province,
            code="bad-monthly",
            name="Báo cáo tháng",
            indicators=[self.number, self.text],
            assigned_kinds=["commune", "village"],
            period_type=periods.PeriodType.MONTHLY,
            deadline_days=5,
        )


@pytest.fixture
def world(tree, coordinator, hoalu_focal_point, settings) -> World:
    settings.ALLOWED_HOSTS = ["testserver"]
    return World(tree, {"coordinator": coordinator, "hoalu": hoalu_focal_point})


def check(
    world: World,
    answer: Answer,
    before: dict[str, object],
    rows: list[models.Model],
    *,
    may_accept: bool,
    exports: Callable[[World], list[tuple[str, str]]] | None = None,
    marker: str | None = None,
) -> None:
    """The contract of every case (see the module's docstring)."""
    assert answer.status < 500, f"server error {answer.status}"
    assert answer.seconds < TIME_LIMIT, f"answered in {answer.seconds:.1f} s"
    leaked = [phrase for phrase in ENGLISH if phrase in answer.body]
    assert not leaked, f"English reaches the user: {leaked}"
    after = snapshot(rows)
    changed = {k: (before[k], after[k]) for k in after if before.get(k) != after[k]}
    if not changed:
        assert answer.messages, f"nothing saved and no message shown (status {answer.status})"
        text = " ".join(answer.messages)
        assert VIETNAMESE.search(text), f"message not in Vietnamese: {text[:300]!r}"
        return
    assert may_accept, f"bad input saved: {sorted(changed)}"
    # Only the tables the case changed can hold what it sent: the world is clean.
    labels = {key.split("#")[0] for key in changed}
    problems = database_problems(labels)
    assert not problems, f"stored unclean: {problems[:5]}"
    if marker is not None:
        assert any(marker in t for t in stored_texts(labels)), f"{marker!r} stored garbled"
    for username, url in exports(world) if exports else []:
        export = send(world.client(username), "get", url)
        assert export.status == 200, f"export {url} answers {export.status}"
        bad = export_problems(export.content, export.response["Content-Type"])
        assert not bad, f"export {url}: {bad[:3]}"


@pytest.fixture
def memory() -> Iterator[None]:
    """The peak memory of the process grows by less than 512 MB during the case (a high-water
    mark: a case can only pass wrongly, never fail wrongly, because of another)."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    yield
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < MEMORY_LIMIT_KB, f"memory grew by {grown // 1024} MB"


# =============================================================================== uploads

TABLE_EXTENSIONS = (".xlsx", ".xls", ".ods", ".csv")


@dataclass(frozen=True)
class Upload:
    """An upload of the project, and the file that it takes when it is right."""

    persona: str
    path: Callable[[World], str]
    field: str
    header: list[str]
    row: Callable[[World], list[object]]
    text_columns: tuple[int, ...]
    number_column: int | None
    data: Callable[[World], dict[str, object]] = lambda w: {}
    rows: Callable[[World], list[models.Model]] = lambda w: []
    exports: Callable[[World], list[tuple[str, str]]] | None = None


def _pivot(w: World) -> list[tuple[str, str]]:
    return [("coordinator", f"/reports/pivot/xlsx?unit={w.tree.hoalu.pk}")]


def _visits_csv(w: World) -> list[tuple[str, str]]:
    return [("coordinator", f"/fieldwork/visits/?unit={w.tree.hoalu.pk}&format=csv")]


def _event_reports(w: World) -> list[tuple[str, str]]:
    from hocvuso.events.models import Event

    pk = Event.objects.latest("pk").pk
    return [
        ("coordinator", f"/events/{pk}/report.xlsx"),
        ("coordinator", f"/events/{pk}/report.docx"),
    ]


def _values_template(w: World) -> list[tuple[str, str]]:
    query = f"unit={w.tree.hoalu.pk}&period={PERIOD}"
    return [
        ("hoalu", f"/reports/forms/{w.dataset.pk}/template.xlsx?{query}"),
        ("coordinator", f"/reports/forms/{w.dataset.pk}/completeness.xlsx?{query}"),
    ]


def _progress(w: World) -> list[tuple[str, str]]:
    return [
        ("coordinator", f"/plans/{w.plan.pk}/progress.xlsx"),
        ("coordinator", f"/plans/{w.plan.pk}/export.docx"),
    ]


TABLES = {
    "unit-import": Upload(
        persona="hoalu",
        path=lambda w: f"/units/{w.tree.hoalu.pk}/import/",
        field="file",
        header=["Mã", "Tên đơn vị", "Loại", "Năm", "Số người trưởng thành", "Số hộ"],
        row=lambda w: ["TDT-1", MARKER, "Thôn", "2025", "120", "40"],
        text_columns=(1, 0),
        number_column=4,
        exports=_pivot,
    ),
    "visit-import": Upload(
        persona="hoalu",
        path=lambda w: f"/fieldwork/visits/import/?unit={w.tree.hoalu.pk}",
        field="file",
        header=["Ngày", "Tổ", "Thôn, tổ dân phố", "Hộ", "Số người được hướng dẫn", "Ghi chú"],
        row=lambda w: [DAY, w.team.name, w.tree.hoalu_village.name, "Số 12", "3", MARKER],
        text_columns=(5, 3),
        number_column=4,
        exports=_visits_csv,
    ),
    "class-sign-in-sheet": Upload(
        persona="hoalu",
        path=lambda w: f"/learning/classes/{w.learning_class.pk}/sheet/",
        field="file",
        header=["STT", "Họ và tên", "Năm sinh", "Giới tính", "Thôn/Tổ", "Ký tên"],
        row=lambda w: ["1", MARKER, "1970", "Nữ", w.tree.hoalu_village.name, ""],
        text_columns=(1,),
        number_column=2,
        data=lambda w: {"confirm": "1"},
    ),
    "platform-completions": Upload(
        persona="hoalu",
        path=lambda w: f"/learning/platform/completions/?unit={w.tree.hoalu.pk}",
        field="file",
        header=["Họ và tên", "Năm sinh", "Xã/Phường", "Khóa học", "Ngày hoàn thành"],
        row=lambda w: [MARKER, "1970", "Phường Hoa Lư", "Kỹ năng số cơ bản", "05/10/2025"],
        text_columns=(0, 3),
        number_column=1,
        data=lambda w: {"confirm": "1"},
    ),
    "attendee-names": Upload(
        persona="coordinator",
        path=lambda w: f"/events/{w.event.pk}/bridge-points/{w.point.pk}/names/",
        field="file",
        header=["STT", "Họ và tên", "Thành phần", "Chức vụ, đơn vị"],
        row=lambda w: ["1", MARKER, "Lãnh đạo", "Chủ tịch UBND phường"],
        text_columns=(1, 3),
        number_column=None,
        exports=_event_reports,
    ),
    "comms-outputs-import": Upload(
        persona="hoalu",
        path=lambda w: f"/communications/{w.comms_campaign.pk}/import/",
        field="file",
        header=[
            "STT",
            "Ngày",
            "Kênh",
            "Loại",
            "Tiêu đề/Nội dung",
            "Đường dẫn",
            "Số lượng",
            "Lượt xem",
            "Lượt chia sẻ",
            "Người tham dự",
            "Hashtag (có/không)",
            "Ghi chú",
        ],
        row=lambda w: [
            "1",
            DAY,
            "Facebook",
            "Bài đăng",
            MARKER,
            "https://www.facebook.com/phuonghoalu/posts/1",
            "1",
            "120",
            "5",
            "",
            "có",
            "Đăng trên trang của phường",
        ],
        text_columns=(4, 11),
        number_column=6,
        data=lambda w: {"confirm": "1"},
    ),
    "values-import": Upload(
        persona="hoalu",
        path=lambda w: (
            f"/reports/forms/{w.dataset.pk}/import/?unit={w.tree.hoalu.pk}&period={PERIOD}"
        ),
        field="file",
        header=[
            "ID",
            "Mã đơn vị",
            "Tên đơn vị",
            "Người được hướng dẫn [bad-guided]",
            "Khó khăn [bad-note]",
        ],
        row=lambda w: [w.tree.hoalu.pk, "14329", "Phường Hoa Lư", "12", MARKER],
        text_columns=(4,),
        number_column=3,
        exports=_values_template,
    ),
}


@dataclass(frozen=True)
class FileCase:
    """A file for an upload: its name and bytes, made from the upload's good rows."""

    name: str
    make: Callable[[Upload, World], tuple[str, bytes]]
    may_accept: bool = False
    marker: bool = False
    slow: bool = False


def _rows(upload: Upload, world: World, column: int | None = None, value: object = None):
    row = list(upload.row(world))
    if column is not None:
        row[column] = value
    return [upload.header, row]


def _table_cases() -> list[FileCase]:
    cases = [
        FileCase("empty", lambda u, w: ("so-lieu.csv", b"")),
        FileCase("empty-xlsx", lambda u, w: ("so-lieu.xlsx", b"")),
        *(
            FileCase(
                f"random{ext or '-noext'}",
                lambda u, w, ext=ext: (f"tep{ext}", B.random_bytes(salt=ext)),
            )
            for ext in B.EXTENSIONS
        ),
        FileCase(
            "truncated-zip", lambda u, w: ("so-lieu.xlsx", B.truncated(B.xlsx_bytes(_rows(u, w))))
        ),
        FileCase(
            "xlsx-cell-at-T1000000",
            lambda u, w: ("so-lieu.xlsx", B.xlsx_dimension_bomb(_rows(u, w))),
            slow=True,
        ),
        FileCase(
            "xlsx-inflates-to-300MB",
            lambda u, w: ("so-lieu.xlsx", B.xlsx_inflation_bomb(_rows(u, w))),
            slow=True,
        ),
        FileCase(
            "25MB", lambda u, w: ("so-lieu.csv", B.padded_csv(_rows(u, w), B.HUGE_BYTES)), slow=True
        ),
        FileCase(
            "utf16",
            lambda u, w: ("so-lieu.csv", B.csv_bytes(_rows(u, w), encoding="utf-16")),
            may_accept=True,
            marker=True,
        ),
        FileCase(
            "cp1258",
            lambda u, w: ("so-lieu.csv", B.csv_bytes(_rows(u, w), encoding="cp1258")),
            may_accept=True,
            marker=True,
        ),
        FileCase(
            "csv-NUL-byte",
            lambda u, w: ("so-lieu.csv", B.csv_bytes(_rows(u, w, u.text_columns[0], B.NUL))),
            may_accept=True,
        ),
    ]
    for kind, maker, suffix in (("csv", B.csv_bytes, ".csv"), ("xlsx", B.xlsx_bytes, ".xlsx")):
        for value_name, value in B.TEXT_VALUES.items():
            for position in (0, 1):
                cases.append(
                    FileCase(
                        f"{kind}-text{position}-{value_name}",
                        lambda u, w, m=maker, s=suffix, v=value, p=position: (
                            f"so-lieu{s}",
                            m(_rows(u, w, u.text_columns[min(p, len(u.text_columns) - 1)], v)),
                        ),
                        may_accept=True,
                    )
                )
        for value_name, value in B.NUMBER_VALUES.items():
            cases.append(
                FileCase(
                    f"{kind}-number-{value_name}",
                    lambda u, w, m=maker, s=suffix, v=value: (
                        f"so-lieu{s}",
                        m(_rows(u, w, u.number_column, v)),
                    ),
                    may_accept=value_name == "superscript",
                )
            )
    return cases


TABLE_CASES = _table_cases()


def _table_params() -> list[Any]:
    params = []
    for name, upload in TABLES.items():
        for case in TABLE_CASES:
            if "number" in case.name and upload.number_column is None:
                continue
            if "text1" in case.name and len(upload.text_columns) == 1:
                continue
            marks = [pytest.mark.slow] if case.slow else []
            params.append(pytest.param(name, case, id=f"{name}-{case.name}", marks=marks))
    return params


def _post_file(world: World, upload: Upload, name: str, content: bytes) -> tuple[Answer, dict]:
    client = world.client(upload.persona)
    path, rows = upload.path(world), upload.rows(world)
    data = {**upload.data(world), upload.field: SimpleUploadedFile(name, content)}
    before = snapshot(rows)
    return send(client, "post", path, data=data), before


@pytest.mark.parametrize("name", list(TABLES))
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_good_table_is_imported(world, name, kind):
    upload = TABLES[name]
    maker = B.csv_bytes if kind == "csv" else B.xlsx_bytes
    answer, before = _post_file(world, upload, f"so-lieu.{kind}", maker(_rows(upload, world)))
    assert answer.status == 302, answer.messages or answer.body[:500]
    assert snapshot([]) != before
    assert not database_problems()
    assert any(MARKER in t for t in stored_texts())


@pytest.mark.parametrize(("name", "case"), _table_params())
def test_bad_table(world, memory, name, case):
    upload = TABLES[name]
    filename, content = case.make(upload, world)
    answer, before = _post_file(world, upload, filename, content)
    check(
        world,
        answer,
        before,
        upload.rows(world),
        may_accept=case.may_accept,
        exports=upload.exports,
        marker=MARKER if case.marker else None,
    )


# --- The plan reader (.docx, PDF, .txt) and the plan's source file


def _plan_text() -> str:
    return (SAMPLES / "000_ninh_binh_launch.txt").read_text(encoding="utf-8")


PLAN_MARKER = "Tổ chức Lễ phát động phong trào"


def _plan_with(value: str) -> str:
    return _plan_text().replace("Tổ chức Lễ phát động", f"Tổ chức {value} Lễ phát động", 1)


def _plan_html(charset: str, odd: bytes) -> bytes:
    """The plan as a web page declaring ``charset``, starting with ``odd`` bytes that are no
    UTF-8: the declared charset is what decodes it."""
    body = "".join(f"<p>{escape(line)}</p>" for line in _plan_text().splitlines())
    head = f'<html><head><meta charset="{charset}"></head><body><p>'.encode()
    return head + odd + b"</p>" + body.encode()


PLAN_CASES = [
    FileCase("empty", lambda u, w: ("ke-hoach.docx", b"")),
    # A codec that refuses every byte (not with UnicodeDecodeError), and one that decodes an
    # escape into half of a UTF-16 pair, which no database stores.
    FileCase(
        "html-charset-undefined", lambda u, w: ("ke-hoach.html", _plan_html("undefined", b"\xe1"))
    ),
    FileCase(
        "html-marked-section-without-name",
        lambda u, w: ("ke-hoach.html", _plan_html("utf-8", b"<![ ]>")),
    ),
    FileCase(
        "html-lone-surrogate",
        lambda u, w: ("ke-hoach.html", _plan_html("raw_unicode_escape", b"\xe1 \\ud800")),
    ),
    *(
        FileCase(
            f"random{ext or '-noext'}",
            lambda u, w, ext=ext: (f"ke-hoach{ext}", B.random_bytes(salt=ext)),
        )
        for ext in B.EXTENSIONS
    ),
    FileCase(
        "truncated-zip",
        lambda u, w: ("ke-hoach.docx", B.truncated(B.docx_bytes(_plan_text().splitlines()))),
    ),
    FileCase(
        "docx-truncated-document-xml",
        lambda u, w: ("ke-hoach.docx", B.docx_truncated_xml(_plan_text().splitlines())),
    ),
    FileCase("docx-inflates-to-300MB", lambda u, w: ("ke-hoach.docx", B.docx_bomb()), slow=True),
    FileCase(
        "25MB",
        lambda u, w: ("ke-hoach.txt", _plan_text().encode() + b"\n" * B.HUGE_BYTES),
        slow=True,
    ),
    FileCase(
        "utf16",
        lambda u, w: ("ke-hoach.txt", _plan_text().encode("utf-16")),
        may_accept=True,
        marker=True,
    ),
    FileCase(
        "cp1258",
        lambda u, w: ("ke-hoach.txt", B.cp1258(_plan_text())),
        may_accept=True,
        marker=True,
    ),
    *(
        FileCase(
            f"txt-{value_name}",
            lambda u, w, v=value: ("ke-hoach.txt", _plan_with(v).encode()),
            may_accept=True,
        )
        for value_name, value in B.TEXT_VALUES.items()
    ),
    *(
        FileCase(
            f"docx-{value_name}",
            lambda u, w, v=value: ("ke-hoach.docx", B.docx_bytes(_plan_with(v).splitlines())),
            may_accept=True,
        )
        for value_name, value in B.TEXT_VALUES.items()
        if value_name != "nul"  # XML cannot hold a NUL, not even escaped
    ),
    *(
        FileCase(
            f"filename-{value_name}",
            lambda u, w, v=value: (f"{v}.txt", _plan_text().encode()),
            may_accept=True,
        )
        for value_name, value in B.TEXT_VALUES.items()
    ),
]


def _post_plan(world: World, name: str, content: bytes) -> tuple[Answer, dict]:
    client = world.client("coordinator")
    before = snapshot([])
    data = {"file": SimpleUploadedFile(name, content), "issuing_unit": world.tree.province.pk}
    return send(client, "post", "/plans/import/", data=data), before


@pytest.mark.parametrize("kind", ["txt", "docx"])
def test_good_plan_is_read(world, kind):
    content = _plan_text().encode() if kind == "txt" else B.docx_bytes(_plan_text().splitlines())
    answer, before = _post_plan(world, f"ke-hoach.{kind}", content)
    assert answer.status == 302, answer.messages or answer.body[:500]
    assert snapshot([]) != before
    assert any(PLAN_MARKER in t for t in stored_texts())


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=f"plan-import-{c.name}", marks=[pytest.mark.slow] * c.slow)
        for c in PLAN_CASES
    ],
)
def test_bad_plan_file(world, memory, case):
    filename, content = case.make(None, world)
    answer, before = _post_plan(world, filename, content)
    check(
        world,
        answer,
        before,
        [],
        may_accept=case.may_accept,
        marker=PLAN_MARKER if case.marker else None,
    )
    for path in media_files():
        assert Path(settings.MEDIA_ROOT).resolve() in path.resolve().parents


@pytest.mark.parametrize("value_name", list(B.TEXT_VALUES))
def test_bad_pasted_plan_text(world, memory, value_name):
    """The import page's paste box (issue 14) takes what the file upload takes."""
    client = world.client("coordinator")
    before = snapshot([])
    data = {"text": _plan_with(B.TEXT_VALUES[value_name]), "issuing_unit": world.tree.province.pk}
    answer = send(client, "post", "/plans/import/", data=data)
    check(world, answer, before, [], may_accept=True)


def test_a_deeply_nested_html_plan_is_refused(world, memory):
    answer, before = _post_plan(world, "ke-hoach.html", b"<html><body>" + b"<div>" * 2_000_000)
    check(world, answer, before, [], may_accept=False)


# --- A duty's evidence

EVIDENCE_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".webp", ".docx", ".xlsx", ".mp4")
EVIDENCE_CASES = [
    FileCase("empty", lambda u, w: ("minh-chung.pdf", b"")),
    *(
        FileCase(
            f"random{ext}", lambda u, w, ext=ext: (f"minh-chung{ext}", B.random_bytes(salt=ext))
        )
        for ext in (*EVIDENCE_EXTENSIONS, ".exe", ".html", ".svg")
    ),
    FileCase("pdf-named-docx", lambda u, w: ("minh-chung.docx", B.pdf_bytes())),
    FileCase(
        "truncated-docx",
        lambda u, w: ("minh-chung.docx", B.truncated(B.docx_bytes(["Minh chứng"]))),
    ),
    FileCase(
        "truncated-xlsx",
        lambda u, w: ("minh-chung.xlsx", B.truncated(B.xlsx_bytes([["Minh chứng"]]))),
    ),
    FileCase("25MB", lambda u, w: ("anh.png", B.png_bytes(B.HUGE_BYTES)), slow=True),
    *(
        FileCase(
            f"filename-{value_name}",
            lambda u, w, v=value: (f"{v}.pdf", B.pdf_bytes()),
            may_accept=True,
        )
        for value_name, value in B.TEXT_VALUES.items()
    ),
    FileCase(
        "filename-path-traversal",
        lambda u, w: ("../../../settings.pdf", B.pdf_bytes()),
        may_accept=True,
    ),
]


def _post_evidence(world: World, name: str, content: bytes) -> tuple[Answer, dict]:
    client = world.client("hoalu")
    rows = [world.task]
    before = snapshot(rows)
    data = {
        "status": "in_progress",
        "note": "Đã hướng dẫn 12 hộ",
        "files": [SimpleUploadedFile(name, content)],
    }
    return send(client, "post", f"/plans/duties/{world.task.pk}/", data=data), before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("minh-chung.pdf", B.pdf_bytes()),
        ("anh.png", B.png_bytes()),
        ("bao-cao.docx", B.docx_bytes(["Báo cáo"])),
    ],
)
def test_good_evidence_is_kept(world, name, content):
    from hocvuso.plans.models import Evidence

    answer, _ = _post_evidence(world, name, content)
    assert answer.status == 302, answer.messages or answer.body[:500]
    assert Evidence.objects.filter(original_name=name).exists()


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=f"evidence-{c.name}", marks=[pytest.mark.slow] * c.slow)
        for c in EVIDENCE_CASES
    ],
)
def test_bad_evidence(world, memory, case):
    filename, content = case.make(None, world)
    answer, before = _post_evidence(world, filename, content)
    check(world, answer, before, [world.task], may_accept=case.may_accept, exports=_progress)
    root = Path(settings.MEDIA_ROOT).resolve()
    for path in media_files():
        assert root in path.resolve().parents, f"{path} stored outside MEDIA_ROOT"


# =============================================================================== API writes


@dataclass(frozen=True)
class ApiWrite:
    persona: str
    path: Callable[[World], str]
    body: Callable[[World], dict[str, Any]]
    # (name, function changing the good body) for each bad value
    cases: list[tuple[str, Callable[[dict[str, Any]], object], bool]]
    rows: Callable[[World], list[models.Model]] = lambda w: []
    exports: Callable[[World], list[tuple[str, str]]] | None = None
    invariants: Callable[[World], list[str]] = lambda w: []


def _set(path: tuple[object, ...], value: object) -> Callable[[dict[str, Any]], object]:
    def change(body: dict[str, Any]) -> object:
        target: Any = body
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return body

    return change


def _raw(text: str | bytes) -> Callable[[dict[str, Any]], object]:
    return lambda body: text


BIG = 10**22
ID_VALUES = [
    ("big", BIG),
    ("2**70", 2**70),
    ("negative", -1),
    ("superscript", "²"),
    ("nul", "1\x00"),
]
COUNT_VALUES = [("big", BIG), ("negative", -1), ("superscript", "²"), ("digits23", B.DIGITS_23)]
DATE_VALUES = [
    ("1900", "1900-01-01"),
    ("9999", "9999-12-31"),
    ("superscript", "2025-10-1²"),
    ("nul", "2025-10-10\x00"),
    ("month13", "2025-13-45"),
]
TEXT_ITEMS = list(B.TEXT_VALUES.items())
BODY_CASES = [
    ("body-empty", _raw(""), False),
    ("body-not-json", _raw(B.random_bytes(512, salt="json")), False),
    ("body-nul", _raw("\x00"), False),
    ("body-list", _raw("[]"), False),
    ("body-string", _raw('"x"'), False),
    ("body-deep", _raw("[" * 50_000 + "]" * 50_000), False),
]


def _visit_body(w: World) -> dict[str, Any]:
    return {
        "visits": [
            {
                "id": str(uuid.uuid4()),
                "team": w.team.pk,
                "village": w.tree.hoalu_village.pk,
                "visited_on": "2025-10-10",
                "household": "Số 12",
                "people_guided": 3,
                "services": ["vneid"],
                "outcome": "done",
                "note": MARKER,
                "members_present": [w.member.pk],
            }
        ]
    }


def _visit_invariants(w: World) -> list[str]:
    from hocvuso.fieldwork.models import TeamMember, Visit

    problems = []
    earliest = datetime.date(2020, 1, 1)
    latest = datetime.date.today() + datetime.timedelta(days=1)  # noqa: DTZ011 — a day's margin
    members = set(TeamMember.objects.values_list("pk", flat=True))
    for visit in Visit.objects.all():
        if not earliest <= visit.visited_on <= latest:
            problems.append(f"visit on {visit.visited_on}")
        if visit.follow_up_on and visit.follow_up_on < earliest:
            problems.append(f"follow-up on {visit.follow_up_on}")
        if not set(visit.members_present or []) <= members:
            problems.append(f"members_present {str(visit.members_present)[:60]}")
    return problems


def _visit_cases() -> list[tuple[str, Callable, bool]]:
    v = ("visits", 0)
    cases: list[tuple[str, Callable, bool]] = list(BODY_CASES)
    for key in ("id",):
        for name, value in [("superscript", "²"), *TEXT_ITEMS, ("big", BIG)]:
            cases.append((f"{key}-{name}", _set((*v, key), value), False))
    for key in ("team", "village"):
        for name, value in ID_VALUES:
            cases.append((f"{key}-{name}", _set((*v, key), value), False))
    for key in ("visited_on", "follow_up_on"):
        for name, value in DATE_VALUES:
            cases.append((f"{key}-{name}", _set((*v, key), value), False))
    for key in ("household", "note", "outcome"):
        for name, value in TEXT_ITEMS:
            cases.append((f"{key}-{name}", _set((*v, key), value), key != "outcome"))
    for key in ("people_guided", "aged_60_plus", "women", "disability"):
        for name, value in COUNT_VALUES:
            cases.append((f"{key}-{name}", _set((*v, key), value), False))
    for name, value in TEXT_ITEMS:
        cases.append((f"services-{name}", _set((*v, "services"), [value]), False))
    for name, value in [
        ("2**70", [2**70]),
        ("negative", [-1]),
        ("20000-ids", list(range(1, 20_001))),
        ("superscript", ["²"]),
        ("not-a-list", "1,2"),
    ]:
        cases.append((f"members_present-{name}", _set((*v, "members_present"), value), False))
    cases.append(("visits-501", lambda b: {"visits": b["visits"] * 501}, False))
    return cases


def _attendance_body(w: World) -> dict[str, Any]:
    return {"submission_id": str(uuid.uuid4()), "field": "expected", "counts": {"leaders": 3}}


def _attendance_cases() -> list[tuple[str, Callable, bool]]:
    cases: list[tuple[str, Callable, bool]] = list(BODY_CASES)
    for name, value in [*COUNT_VALUES, ("2**70", 2**70), ("float", 1.5), ("text", "ba")]:
        cases.append((f"counts-{name}", _set(("counts", "leaders"), value), False))
    for name, value in TEXT_ITEMS:
        cases.append((f"counts-key-{name}", _set(("counts",), {value: 1}), False))
        cases.append((f"field-{name}", _set(("field",), value), False))
        cases.append((f"submission_id-{name}", _set(("submission_id",), value), False))
    cases.append(("counts-empty", _set(("counts",), {}), False))
    cases.append(("counts-20000", _set(("counts",), {f"k{i}": 1 for i in range(20_000)}), False))
    return cases


def _values_body(w: World) -> dict[str, Any]:
    return {
        "dataset": w.dataset.pk,
        "unit": w.tree.hoalu.pk,
        "period": PERIOD,
        "values": {str(w.number.pk): "12", str(w.text.pk): MARKER},
    }


def _values_cases(w: World | None = None) -> list[tuple[str, Callable, bool]]:
    cases: list[tuple[str, Callable, bool]] = list(BODY_CASES)
    for key in ("dataset", "unit"):
        for name, value in ID_VALUES:
            cases.append((f"{key}-{name}", _set((key,), value), False))
    for name, value in [*TEXT_ITEMS, ("superscript", "2025-1²")]:
        cases.append((f"period-{name}", _set(("period",), value), False))

    def number(value: object) -> Callable[[dict[str, Any]], object]:
        def change(body: dict[str, Any]) -> object:
            key = next(iter(body["values"]))
            body["values"][key] = value
            return body

        return change

    def text(value: object) -> Callable[[dict[str, Any]], object]:
        def change(body: dict[str, Any]) -> object:
            key = list(body["values"])[1]
            body["values"][key] = value
            return body

        return change

    for name, value in [*B.NUMBER_VALUES.items(), *TEXT_ITEMS, ("big-json-number", BIG)]:
        cases.append((f"number-value-{name}", number(value), name == "superscript"))
    for name, value in TEXT_ITEMS:
        cases.append((f"text-value-{name}", text(value), True))
    for name, value in [("superscript", "²"), ("big", str(BIG)), ("nul", "\x00")]:
        cases.append((f"values-key-{name}", _set(("values",), {value: "1"}), False))
    return cases


def _marks_body(w: World) -> dict[str, Any]:
    return {
        "marks": [
            {
                "id": str(uuid.uuid4()),
                "status": "present",
                "person": {
                    "name": MARKER,
                    "birth_year": 1970,
                    "commune_id": w.tree.hoalu.pk,
                    "village_id": w.tree.hoalu_village.pk,
                    "sex": "female",
                    "group": "citizens",
                    "phone": "0912345678",
                },
                "minutes_online": 45,
            }
        ]
    }


def _marks_invariants(w: World) -> list[str]:
    from hocvuso.learning.models import Learner

    problems = []
    for learner in Learner.objects.all():
        if not 1900 <= learner.birth_year <= datetime.date.today().year:  # noqa: DTZ011
            problems.append(f"born {learner.birth_year}")
        if learner.phone and not re.fullmatch(r"0\d{9}", learner.phone):
            problems.append(f"phone {learner.phone[:30]!r}")
        if re.search(r"\d{9,}", learner.name):
            problems.append("an ID number in a name")
    return problems


def _marks_cases() -> list[tuple[str, Callable, bool]]:
    m = ("marks", 0)
    p = (*m, "person")
    cases: list[tuple[str, Callable, bool]] = list(BODY_CASES)
    for name, value in [("superscript", "²"), *TEXT_ITEMS, ("big", BIG)]:
        cases.append((f"mark-id-{name}", _set((*m, "id"), value), False))
    for name, value in [*TEXT_ITEMS, ("big", BIG), ("null", None)]:
        cases.append((f"mark-status-{name}", _set((*m, "status"), value), False))
    for name, value in ID_VALUES:
        cases.append((f"mark-learner_id-{name}", _set((*m, "learner_id"), value), False))
    for name, value in [*COUNT_VALUES, ("2**70", 2**70), ("a-year", 100_000)]:
        cases.append((f"mark-minutes_online-{name}", _set((*m, "minutes_online"), value), False))
    for name, value in TEXT_ITEMS:
        cases.append((f"person-name-{name}", _set((*p, "name"), value), True))
    for name, value in [("id-number", "Nguyễn Văn 012345678901"), ("empty", "  ")]:
        cases.append((f"person-name-{name}", _set((*p, "name"), value), False))
    for name, value in [*COUNT_VALUES, ("1850", 1850), ("next-year", 2100), ("float", 1970.5)]:
        cases.append((f"person-birth_year-{name}", _set((*p, "birth_year"), value), False))
    for key in ("commune_id", "village_id"):
        for name, value in ID_VALUES:
            cases.append((f"person-{key}-{name}", _set((*p, key), value), False))
    for key in ("sex", "group", "phone"):
        for name, value in TEXT_ITEMS:
            cases.append((f"person-{key}-{name}", _set((*p, key), value), False))
    cases.append(("person-phone-short", _set((*p, "phone"), "0912"), False))
    cases.append(("person-not-an-object", _set(p, "Nguyễn Văn A"), False))
    cases.append(("marks-empty", _set(("marks",), []), False))
    cases.append(("marks-501", lambda b: {"marks": b["marks"] * 501}, False))
    return cases


def _output_body(w: World) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "campaign": w.comms_live_campaign.pk,
        "unit": w.tree.hoalu.pk,
        "channel": "facebook",
        "kind": "post",
        "title": MARKER,
        "url": "https://www.facebook.com/phuonghoalu/posts/1",
        "published_on": str(timezone.localdate()),
        "quantity": 2,
        "views": 120,
        "hashtag_used": True,
        "note": MARKER,
    }


def _output_cases() -> list[tuple[str, Callable, bool]]:
    cases: list[tuple[str, Callable, bool]] = list(BODY_CASES)
    for name, value in [("superscript", "²"), *TEXT_ITEMS, ("big", BIG)]:
        cases.append((f"id-{name}", _set(("id",), value), False))
    for key in ("campaign", "unit"):
        for name, value in ID_VALUES:
            cases.append((f"{key}-{name}", _set((key,), value), False))
    for name, value in DATE_VALUES:
        cases.append((f"published_on-{name}", _set(("published_on",), value), False))
    for key in ("quantity", "views", "shares", "attendees"):
        for name, value in COUNT_VALUES:
            cases.append((f"{key}-{name}", _set((key,), value), False))
    for key in ("title", "note"):
        for name, value in TEXT_ITEMS:
            cases.append((f"{key}-{name}", _set((key,), value), True))
    for key in ("url", "channel", "kind"):
        for name, value in TEXT_ITEMS:
            cases.append((f"{key}-{name}", _set((key,), value), False))
    cases.append(("url-nul-in-path", _set(("url",), "https://facebook.com/a\x00b"), False))
    cases.append(("url-javascript", _set(("url",), "javascript:alert(1)"), False))
    return cases


API_WRITES = {
    "communications-output": ApiWrite(
        persona="hoalu",
        path=lambda w: "/api/communications/outputs",
        body=_output_body,
        cases=_output_cases(),
    ),
    "learning-attendance": ApiWrite(
        persona="hoalu",
        path=lambda w: f"/api/learning/classes/{w.learning_class.pk}/attendance",
        body=_marks_body,
        cases=_marks_cases(),
        invariants=_marks_invariants,
    ),
    "visits-batch": ApiWrite(
        persona="hoalu",
        path=lambda w: "/api/fieldwork/visits/batch",
        body=_visit_body,
        cases=_visit_cases(),
        exports=_visits_csv,
        invariants=_visit_invariants,
    ),
    "attendance": ApiWrite(
        persona="hoalu",
        path=lambda w: f"/api/events/{w.event.pk}/bridge-points/{w.point.pk}/attendance",
        body=_attendance_body,
        cases=_attendance_cases(),
        rows=lambda w: [w.point],
    ),
    "values": ApiWrite(
        persona="hoalu",
        path=lambda w: "/api/reports/values",
        body=_values_body,
        cases=_values_cases(),
        exports=_values_template,
    ),
}
PATH_CASES = {
    "attendance-event-id": lambda w, v: f"/api/events/{v}/bridge-points/{w.point.pk}/attendance",
    "attendance-point-id": lambda w, v: f"/api/events/{w.event.pk}/bridge-points/{v}/attendance",
}


def _post_json(world: World, api: ApiWrite, path: str, body: object) -> tuple[Answer, dict]:
    client = world.client(None)
    headers = world.bearer(api.persona)
    rows = api.rows(world)
    before = snapshot(rows)
    payload = body if isinstance(body, bytes | str) else json.dumps(body, ensure_ascii=False)
    answer = send(client, "post", path, data=payload, content_type="application/json", **headers)
    return answer, before


@pytest.mark.parametrize("name", list(API_WRITES))
def test_good_api_write_is_saved(world, name):
    api = API_WRITES[name]
    world.bearer(api.persona)
    answer, before = _post_json(world, api, api.path(world), api.body(world))
    assert answer.status in (200, 201), answer.body[:500]  # 201: an output logged now
    assert snapshot(api.rows(world)) != before
    assert not api.invariants(world)


@pytest.mark.parametrize(
    ("name", "case"),
    [
        pytest.param(name, case, id=f"api-{name}-{case[0]}")
        for name, api in API_WRITES.items()
        for case in api.cases
    ],
)
def test_bad_api_write(world, memory, name, case):
    api = API_WRITES[name]
    world.bearer(api.persona)  # the token's own rows exist before the snapshot
    _label, change, may_accept = case
    body = change(api.body(world))
    answer, before = _post_json(world, api, api.path(world), body)
    check(world, answer, before, api.rows(world), may_accept=may_accept, exports=api.exports)
    problems = api.invariants(world)
    assert not problems, f"implausible values stored: {problems[:3]}"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param(name, value, id=f"api-path-{name}-{label}")
        for name in PATH_CASES
        for label, value in [("big", BIG), ("superscript", "²"), ("negative", -1), ("nul", "%00")]
    ],
)
def test_bad_api_path(world, name, value):
    api = API_WRITES["attendance"]
    world.bearer(api.persona)
    answer, before = _post_json(world, api, PATH_CASES[name](world, value), api.body(world))
    check(world, answer, before, api.rows(world), may_accept=False)


@pytest.mark.parametrize(
    "value", [pytest.param(v, id=f"api-path-learning-class-{v}") for v in (BIG, "²", -1, "%00")]
)
def test_bad_learning_class_in_the_path(world, value):
    api = API_WRITES["learning-attendance"]
    world.bearer(api.persona)
    path = f"/api/learning/classes/{value}/attendance"
    answer, before = _post_json(world, api, path, api.body(world))
    check(world, answer, before, api.rows(world), may_accept=False)


# =============================================================================== HTML forms


@dataclass(frozen=True)
class FormWrite:
    persona: str | None
    path: Callable[[World], str]
    data: Callable[[World], dict[str, object]]
    text_fields: tuple[str, ...]
    number_fields: tuple[str, ...] = ()
    rows: Callable[[World], list[models.Model]] = lambda w: []
    exports: Callable[[World], list[tuple[str, str]]] | None = None


def _new_submission(w: World) -> dict[str, object]:
    return {"submission_id": str(uuid.uuid4()), "field": "expected", "leaders": "3"}


FORMS = {
    "duty-progress": FormWrite(
        persona="hoalu",
        path=lambda w: f"/plans/duties/{w.task.pk}/",
        data=lambda w: {"status": "in_progress", "note": "Đã hướng dẫn 12 hộ"},
        text_fields=("note",),
        rows=lambda w: [w.task],
        exports=_progress,
    ),
    "unit-add": FormWrite(
        persona="hoalu",
        path=lambda w: f"/units/{w.tree.hoalu.pk}/add/",
        data=lambda w: {"name": "Thôn Mới", "kind": "village"},
        text_fields=("name", "code", "short_name", "abbreviation"),
        exports=_pivot,
    ),
    "unit-edit": FormWrite(
        persona="hoalu",
        path=lambda w: f"/units/{w.tree.hoalu_village.pk}/edit/",
        data=lambda w: {"name": "Tổ dân phố số 1", "kind": "village"},
        text_fields=("name", "code", "short_name", "abbreviation"),
        rows=lambda w: [w.tree.hoalu_village],
        exports=_pivot,
    ),
    "unit-population": FormWrite(
        persona="hoalu",
        path=lambda w: f"/units/{w.tree.hoalu.pk}/population/",
        data=lambda w: {"year": "2025", "adults": "100", "households": "30", "source": "Điều tra"},
        text_fields=("source",),
        number_fields=("year", "adults", "households"),
        exports=_pivot,
    ),
    "bridge-point-edit": FormWrite(
        persona="coordinator",
        path=lambda w: f"/events/{w.event.pk}/bridge-points/{w.point.pk}/",
        data=lambda w: {
            "chair": "Ông Nguyễn Văn A",
            "room": "Hội trường",
            "contact": "0912 345 678",
        },
        text_fields=("chair", "room", "contact", "link"),
        rows=lambda w: [w.point],
        exports=_event_reports,
    ),
    "event-create": FormWrite(
        persona="coordinator",
        path=lambda w: "/events/new/",
        data=lambda w: {
            "organiser": w.tree.province.pk,
            "title": "Lễ phát động mới",
            "starts_at": "2099-11-09T08:00",
            "mode": "hybrid",
        },
        text_fields=("title", "venue", "hashtag"),
        exports=_event_reports,
    ),
    "programme-add": FormWrite(
        persona="coordinator",
        path=lambda w: f"/events/{w.event.pk}/programme/",
        data=lambda w: {"new-item-title": "Khai mạc", "new-item-duration_minutes": "5"},
        text_fields=("new-item-title", "new-item-presenter"),
        number_fields=("new-item-duration_minutes",),
        exports=_event_reports,
    ),
    "quota-add": FormWrite(
        persona="coordinator",
        path=lambda w: f"/events/{w.event.pk}/quotas/",
        data=lambda w: {"new-quota-group": "Khối học sinh", "new-quota-count": "200"},
        text_fields=("new-quota-group",),
        number_fields=("new-quota-count",),
        exports=_event_reports,
    ),
    "delegate-add": FormWrite(
        persona="coordinator",
        path=lambda w: f"/events/{w.event.pk}/delegates/add/",
        data=lambda w: {
            "new-category": "province",
            "new-name": "Ông Trần Văn B",
            "new-rsvp": "pending",
        },
        text_fields=("new-name", "new-position"),
        exports=_event_reports,
    ),
    "bridge-point-trouble": FormWrite(
        persona=None,
        path=lambda w: f"/events/p/{w.point.access_token}/trouble/",
        data=lambda w: {"note": "Mất tiếng"},
        text_fields=("note",),
        rows=lambda w: [w.point],
        exports=_event_reports,
    ),
    "bridge-point-attendance": FormWrite(
        persona=None,
        path=lambda w: f"/events/p/{w.point.access_token}/attendance/",
        data=_new_submission,
        text_fields=("submission_id", "field"),
        number_fields=("leaders",),
        rows=lambda w: [w.point],
    ),
    "team-create": FormWrite(
        persona="hoalu",
        path=lambda w: "/fieldwork/teams/new/",
        data=lambda w: {"name": "Tổ CNS thôn mới", "unit": w.tree.hoalu.pk},
        text_fields=("name",),
    ),
    "team-member-add": FormWrite(
        persona="hoalu",
        path=lambda w: f"/fieldwork/teams/{w.team.pk}/",
        data=lambda w: {"name": "Trần Thị B", "role": "member", "phone": "0912345678"},
        text_fields=("name", "phone"),
    ),
    "report-entry": FormWrite(
        persona="hoalu",
        path=lambda w: f"/reports/forms/{w.dataset.pk}/{w.tree.hoalu.pk}/{PERIOD}/",
        data=lambda w: {f"v{w.number.pk}": "12", f"v{w.text.pk}": "Thiếu máy"},
        text_fields=("text-indicator",),
        number_fields=("number-indicator",),
        exports=_values_template,
    ),
    "class-register": FormWrite(
        persona=None,
        path=lambda w: f"/classes/{w.upcoming_class.pk}/",
        data=lambda w: {
            "name": "Phạm Văn Đức",
            "birth_year": "1972",
            "commune": w.tree.hoalu.pk,
            "phone": "0912345678",
        },
        text_fields=("name", "phone", "village"),
        number_fields=("birth_year",),
    ),
    "api-token-create": FormWrite(
        persona="hoalu",
        path=lambda w: "/api-tokens/",
        data=lambda w: {"name": "Bảng số liệu", "lifetime": "90"},
        text_fields=("name",),
    ),
    "learning-course-create": FormWrite(
        persona="coordinator",
        path=lambda w: "/learning/courses/new/",
        data=lambda w: {
            "owner": w.tree.province.pk,
            "title": "Kỹ năng số cho cán bộ",
            "level": "basic",
            "hours": "4",
            "target_groups": ["staff"],
        },
        text_fields=("title", "description"),
        number_fields=("hours",),
    ),
    "learning-class-create": FormWrite(
        persona="hoalu",
        path=lambda w: "/learning/classes/new/",
        data=lambda w: {
            "course": w.course.pk,
            "organiser": w.tree.hoalu.pk,
            "host": w.tree.hoalu.pk,
            "venue": "Nhà văn hóa",
            "mode": "in_person",
            "starts_at": "2099-11-09T08:00",
            "ends_at": "2099-11-09T10:00",
            "target_group": "citizens",
        },
        text_fields=("venue", "trainers", "meeting_url"),
        number_fields=("capacity",),
    ),
    "learning-class-edit": FormWrite(
        persona="hoalu",
        path=lambda w: f"/learning/classes/{w.learning_class.pk}/edit/",
        data=lambda w: {
            "course": w.course.pk,
            "organiser": w.tree.hoalu.pk,
            "host": w.tree.hoalu.pk,
            "venue": "Hội trường mới",
            "mode": "in_person",
            "starts_at": "2099-11-09T08:00",
            "ends_at": "2099-11-09T10:00",
            "target_group": "citizens",
        },
        text_fields=("venue", "trainers"),
        number_fields=("capacity",),
        rows=lambda w: [w.learning_class],
    ),
    "learning-class-enrol": FormWrite(
        persona="hoalu",
        path=lambda w: f"/learning/classes/{w.learning_class.pk}/enrol/",
        data=lambda w: {"name": "Lê Thị Mai", "birth_year": "1980", "group": "citizens"},
        text_fields=("name", "phone"),
        number_fields=("birth_year",),
    ),
    "learning-campaign-create": FormWrite(
        persona="coordinator",
        path=lambda w: "/learning/campaigns/new/",
        data=lambda w: {
            "title": "Ngày hội toàn dân học tập số",
            "lead": w.tree.province.pk,
            "starts_on": "2099-10-06",
            "ends_on": "2099-10-10",
        },
        text_fields=("title", "description"),
    ),
    "learning-topic-add": FormWrite(
        persona="coordinator",
        path=lambda w: "/learning/topics/",
        data=lambda w: {"name": "Nông nghiệp số"},
        text_fields=("name",),
    ),
    "comms-campaign-create": FormWrite(
        persona="coordinator",
        path=lambda w: "/communications/new/",
        data=lambda w: {
            "owner": w.tree.province.pk,
            "title": "Tuyên truyền Ngày hội toàn dân học tập số",
            "starts_on": "2099-10-01",
            "ends_on": "2099-11-30",
            "hashtags": "#BinhDanHocVuSo",
            "is_public": "on",
        },
        text_fields=("title", "hashtags", "key_messages", "slogans", "description"),
    ),
    "comms-campaign-edit": FormWrite(
        persona="coordinator",
        path=lambda w: f"/communications/{w.comms_campaign.pk}/edit/",
        data=lambda w: {
            "title": "Tuyên truyền Bình dân học vụ số (sửa)",
            "starts_on": "2025-10-01",
            "ends_on": "2025-11-30",
            "key_messages": "Không ai bị bỏ lại phía sau",
        },
        text_fields=("title", "hashtags", "key_messages", "slogans", "description"),
        rows=lambda w: [w.comms_campaign],
    ),
    "comms-resource-add": FormWrite(
        persona="coordinator",
        path=lambda w: f"/communications/{w.comms_campaign.pk}/resources/",
        data=lambda w: {"title": "Bộ nhận diện", "url": "https://binhdanhocvuso.gov.vn/tai-lieu"},
        text_fields=("title", "url"),
    ),
    "person-add": FormWrite(
        persona="coordinator",
        path=lambda w: f"/people/add/{w.tree.hoalu.pk}/",
        data=lambda w: {
            "full_name": "Nguyễn Văn C",
            "username": "nguyenvanc",
            "role": "viewer",
            "password": "mot-mat-khau-dai-9",
        },
        text_fields=("full_name", "username", "email"),
    ),
    "class-checkin": FormWrite(
        persona=None,
        path=lambda w: f"/checkin/{w.learning_class.pk}/{_door_code(w)}/",
        data=lambda w: {
            "ticket": _door_ticket(w),
            "name": "Nguyễn Thị Hoa",
            "birth_year": "1968",
            "commune": str(w.tree.hoalu.pk),
            "village": str(w.tree.hoalu_village.pk),
        },
        text_fields=("name", "ticket"),
        number_fields=("birth_year", "commune", "village"),
    ),
}


def _door_code(w: World) -> str:
    from hocvuso.learning.services import current_code

    return current_code(w.learning_class).code


def _door_ticket(w: World) -> str:
    from hocvuso.learning.services import issue_ticket

    return issue_ticket(w.learning_class, _door_code(w))


def _field_name(world: World, name: str) -> str:
    return {"text-indicator": f"v{world.text.pk}", "number-indicator": f"v{world.number.pk}"}.get(
        name, name
    )


def _form_params() -> list[Any]:
    params = []
    for form_name, form in FORMS.items():
        for f in form.text_fields:
            for value_name, value in B.TEXT_VALUES.items():
                params.append(
                    pytest.param(form_name, f, value, True, id=f"form-{form_name}-{f}-{value_name}")
                )
        for f in form.number_fields:
            for value_name, value in B.NUMBER_VALUES.items():
                params.append(
                    pytest.param(
                        form_name,
                        f,
                        value,
                        value_name == "superscript",
                        id=f"form-{form_name}-{f}-{value_name}",
                    )
                )
    return params


@pytest.mark.parametrize("name", list(FORMS))
def test_good_form_is_saved(world, name):
    form = FORMS[name]
    path, data, rows = form.path(world), form.data(world), form.rows(world)
    before = snapshot(rows)
    answer = send(world.client(form.persona), "post", path, data=data)
    assert answer.status in (200, 302), answer.body[:500]
    assert snapshot(rows) != before, answer.messages
    assert not database_problems()


@pytest.mark.parametrize(("name", "field_name", "value", "may_accept"), _form_params())
def test_bad_form_value(world, memory, name, field_name, value, may_accept):
    form = FORMS[name]
    path, rows = form.path(world), form.rows(world)
    data = {**form.data(world), _field_name(world, field_name): value}
    before = snapshot(rows)
    answer = send(world.client(form.persona), "post", path, data=data)
    check(world, answer, before, rows, may_accept=may_accept, exports=form.exports)


@pytest.mark.parametrize(
    ("path", "param"), [("/classes/", "xa"), ("/classes/", "chu_de"), ("/verify/", "ma")]
)
@pytest.mark.parametrize("value", [*B.TEXT_VALUES.values(), B.SUPERSCRIPT, B.DIGITS_23])
def test_bad_public_lookup(world, path, param, value):
    """The public class finder's filters and the certificate box: a page, never an error."""
    answer = send(world.client(None), "get", path, data={param: value})
    assert answer.status in (200, 400)
    assert answer.seconds < TIME_LIMIT
    assert not [phrase for phrase in ENGLISH if phrase in answer.body]
    if answer.status == 400:
        assert answer.messages


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(v, id=f"unit-search-{k}")
        for k, v in {**B.TEXT_VALUES, "superscript": "²"}.items()
    ],
)
def test_bad_search_text(world, query):
    """A read, but with the same text: it answers a page, never a server error."""
    answer = send(world.client("hoalu"), "get", "/units/search/", data={"q": query})
    assert answer.status == 200
    assert answer.seconds < TIME_LIMIT
    assert not [phrase for phrase in ENGLISH if phrase in answer.body]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param(field, v, id=f"learning-coverage-{field}-{k}")
        for field in ("unit", "period", "months")
        for k, v in {**B.TEXT_VALUES, **B.NUMBER_VALUES}.items()
    ],
)
def test_bad_learning_coverage_query(world, field, value):
    """The trained-coverage page (issue 15) read with a bad unit, period or number of months:
    the page with a Vietnamese reason (a unit one cannot see: not found), never an error."""
    answer = send(world.client("hoalu"), "get", "/learning/coverage/", data={field: value})
    assert answer.status in (200, 404)
    assert answer.seconds < TIME_LIMIT
    assert not [phrase for phrase in ENGLISH if phrase in answer.body]
    if answer.status == 200 and field != "unit":
        assert "không hợp lệ" in answer.body or "từ 1 đến" in answer.body
