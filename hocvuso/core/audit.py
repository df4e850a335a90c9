"""The audit trail as people read it: one place that turns ``AuditLog`` rows into Vietnamese.

A row stores what the service wrote — field names, raw choice values, ids, ISO timestamps —
so that it stays true whatever the language or the labels later. This module reads it back
for people: the kind's label, each field's ``verbose_name``, a choice's label, a moment in
the site's time zone the Vietnamese way ("21:03 03/12/2026"), Có/Không, the name of the unit
or person an id points to, long text shortened. Every page or export of the trail uses
:func:`present`; it costs one query per kind of object named on the page, never one per row.

Keys a service writes that are no field of the model (counts, a file's name) are labelled in
``EXTRA_LABELS``; an app whose keys need its own knowledge (a report's indicator codes, the
categories of a bridge point's counts) registers it in its ``AppConfig.ready`` with
:func:`register_choices` or :func:`register_key_resolver`.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocvuso.core.models import AuditLog

TEXT_LIMIT = 120
LIST_LIMIT = 10
# The field that names an object, in the order tried: units and groups have a name, plans a
# title, people a full name (else their login), a quota its group.
NAME_FIELDS = ("name", "title", "full_name", "username", "group", "code")
EMPTY = "—"

# Keys services write beside the model's fields: counts and notes about what happened.
EXTRA_LABELS: dict[str, Any] = {
    "file": gettext_lazy("Tệp"),
    "rows": gettext_lazy("Số dòng"),
    "created": gettext_lazy("Số mục tạo mới"),
    "updated": gettext_lazy("Số mục cập nhật"),
    "imported": gettext_lazy("Đã nhập"),
    "activities": gettext_lazy("Số hoạt động"),
    "tasks": gettext_lazy("Số nhiệm vụ"),
    "period": gettext_lazy("Thời gian thực hiện"),
    "evidence": gettext_lazy("Số tệp minh chứng"),
    "visits_added": gettext_lazy("Số lượt hướng dẫn ghi thêm"),
    "visits_imported": gettext_lazy("Số lượt hướng dẫn nhập"),
    "bridge_points_added": gettext_lazy("Số điểm cầu mời thêm"),
    "attendee_names": gettext_lazy("Số người trong danh sách dự"),
    "access_link": gettext_lazy("Đường liên kết"),
    "sub_groups": gettext_lazy("Số nhóm con"),
    "level": gettext_lazy("Cấp duyệt"),
    "expected": gettext_lazy("Số người dự kiến"),
    "actual": gettext_lazy("Số người dự thực tế"),
    "downloaded_by_unit": gettext_lazy("Đơn vị người tải"),
}
# Fields declared without a verbose name (Django would show "status", "position"): what
# they are called, whatever the model.
FIELD_LABELS: dict[str, Any] = {
    "status": gettext_lazy("Trạng thái"),
    "position": gettext_lazy("Thứ tự"),
    "parent": gettext_lazy("Thuộc nhóm"),
    "hashtag": gettext_lazy("Hashtag"),
    "current_item": gettext_lazy("Mục đang diễn ra"),
    "launched_by": gettext_lazy("Người bấm nút"),
    "unit": gettext_lazy("Đơn vị"),
    "event": gettext_lazy("Sự kiện"),
    "plan": gettext_lazy("Kế hoạch"),
    "task": gettext_lazy("Nhiệm vụ"),
    "team": gettext_lazy("Tổ"),
    "dataset": gettext_lazy("Biểu mẫu"),
    "indicator": gettext_lazy("Chỉ tiêu"),
    "period": gettext_lazy("Kỳ báo cáo"),
    "deadline": gettext_lazy("Hạn"),
    "awaiting_unit": gettext_lazy("Chờ đơn vị duyệt"),
    "submitted_at": gettext_lazy("Gửi lúc"),
    "submitted_by": gettext_lazy("Người gửi"),
    "is_late": gettext_lazy("Gửi muộn"),
    "value": gettext_lazy("Giá trị"),
    "text": gettext_lazy("Nội dung"),
    "comment": gettext_lazy("Ý kiến"),
    "author": gettext_lazy("Người báo cáo"),
    "is_demo": gettext_lazy("Dữ liệu thử"),
}
EXTRA_VALUES: dict[str, Any] = {
    "revoked": gettext_lazy("đã thu hồi, thay bằng đường liên kết mới"),
}

# (object type, key) → {raw value or dict key: label}
_choices: dict[tuple[str, str], Mapping[str, Any]] = {}
# object type → function from the page's unknown keys to their labels
_resolvers: dict[str, Callable[[set[str]], Mapping[str, str]]] = {}


def register_choices(object_type: str, key: str, choices: Iterable[tuple[str, Any]]) -> None:
    """Label the raw values (or, for a mapping, its keys) stored under ``key``."""
    _choices[(object_type, key)] = dict(choices)


def register_key_resolver(
    object_type: str, resolver: Callable[[set[str]], Mapping[str, str]]
) -> None:
    """Name the keys of ``object_type``'s rows that are no field: ``resolver`` gets every
    such key on the page at once (one query for all) and answers a label for those it knows."""
    _resolvers[object_type] = resolver


@dataclass(frozen=True)
class Change:
    label: str
    after: str
    before: str | None = None  # None: the row records one value, not a change from one

    @property
    def is_change(self) -> bool:
        return self.before is not None


@dataclass(frozen=True)
class Entry:
    """One audit row as shown: ``log`` for who, when and which unit; the rest in words."""

    log: AuditLog
    kind: str
    subject: str
    changes: list[Change] = field(default_factory=list)


def kind_label(action: str) -> str:
    try:
        return str(AuditLog.Action(action).label)
    except ValueError:
        return action


def present(logs: Iterable[AuditLog]) -> list[Entry]:
    """The rows in words, in their order. Related names are fetched in one query per
    related model for all rows together."""
    logs = list(logs)
    names = _Names()
    for log in logs:
        model = _model(log.object_type)
        for key, value in _items(log):
            related = _related_model(model, key)
            if related is not None:
                names.want(related, value)
    resolved: dict[str, Mapping[str, str]] = {}
    for object_type, resolver in _resolvers.items():
        keys = {
            key
            for log in logs
            if log.object_type == object_type
            for key in log.changes or {}
            if _field(_model(object_type), key) is None
        }
        resolved[object_type] = resolver(keys) if keys else {}
    names.fetch()
    return [
        Entry(
            log=log,
            kind=kind_label(log.action),
            subject=_subject(log.object_type),
            changes=[
                change
                for key, value in _items(log)
                if not _blank(
                    change := _change(
                        log.object_type, key, value, names, resolved.get(log.object_type, {})
                    )
                )
            ],
        )
        for log in logs
    ]


def _blank(change: Change) -> bool:
    # A blank field of a new object ("— → —") says nothing.
    return change.after == EMPTY and change.before in (None, EMPTY)


def _items(log: AuditLog) -> list[tuple[str, Any]]:
    """The row's changes in the model's field order, then the other keys: the same on every
    database (PostgreSQL's jsonb keeps keys in an order of its own)."""
    changes = log.changes
    if not isinstance(changes, dict):
        return []
    order = _field_order(log.object_type)
    return sorted(changes.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


@functools.cache
def _field_order(object_type: str) -> dict[str, int]:
    model = _model(object_type)
    if model is None:
        return {}
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    return {f.name: n for n, f in enumerate(fields)}


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if getattr(found, "concrete", False) else None


def _related_model(model: type[models.Model] | None, key: str) -> type[models.Model] | None:
    found = _field(model, key)
    if found is not None and found.is_relation and found.related_model is not None:
        return found.related_model  # type: ignore[return-value]
    return None


def _subject(object_type: str) -> str:
    model = _model(object_type)
    return capfirst(str(model._meta.verbose_name)) if model is not None else object_type


class _Names:
    """Ids of related objects collected from every row, then named in one query per model."""

    def __init__(self) -> None:
        self.ids: dict[type[models.Model], set[int]] = {}
        self.names: dict[type[models.Model], dict[int, str]] = {}

    def want(self, model: type[models.Model], value: Any) -> None:
        for side in value if _is_pair(value) else [value]:
            for item in side if isinstance(side, list) else [side]:
                if isinstance(item, int) and not isinstance(item, bool):
                    self.ids.setdefault(model, set()).add(item)

    def fetch(self) -> None:
        for model, ids in self.ids.items():
            available = [n for n in NAME_FIELDS if _field(model, n) is not None]
            if not available:
                continue
            rows = model._default_manager.filter(pk__in=ids).values_list("pk", *available)
            self.names[model] = {
                row[0]: next((str(v) for v in row[1:] if v), str(row[0])) for row in rows
            }

    def name(self, model: type[models.Model], pk: int) -> str:
        # A deleted object keeps its id in the trail: say so rather than guess.
        return self.names.get(model, {}).get(pk) or _("#%(id)s (đã xóa)") % {"id": pk}


def _field_label(model_field: models.Field) -> str:
    """The field's verbose name; for one declared without, the name it goes by here."""
    name = str(model_field.verbose_name)
    if name == model_field.name.replace("_", " ") and model_field.name in FIELD_LABELS:
        name = str(FIELD_LABELS[model_field.name])
    return capfirst(name)


def _is_pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2


def _is_change(value: Any, model_field: models.Field | None) -> bool:
    """``[old, new]``, not one value: a many-to-many field's value is itself a list of ids,
    so its change is a pair of lists (or None, before it existed)."""
    if not _is_pair(value):
        return False
    if model_field is not None and model_field.many_to_many:
        return all(side is None or isinstance(side, list) for side in value)
    return True


def _change(
    object_type: str, key: str, value: Any, names: _Names, resolved: Mapping[str, str]
) -> Change:
    model_field = _field(_model(object_type), key)
    if model_field is not None:
        label = _field_label(model_field)
    else:
        label = str(resolved.get(key) or EXTRA_LABELS.get(key) or key)
    choices = _choices.get((object_type, key))

    def shown(one: Any) -> str:
        if model_field is None and key in resolved and isinstance(one, str):
            return _figure(one)  # a resolver's keys hold figures, logged as Decimal text
        return _value(one, model_field, names, choices)

    if _is_change(value, model_field):
        return Change(label=label, before=shown(value[0]), after=shown(value[1]))
    return Change(label=label, after=shown(value))


def _value(
    value: Any,
    model_field: models.Field | None,
    names: _Names,
    choices: Mapping[str, Any] | None,
) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, dict):
        parts = [
            f"{(choices or {}).get(k, EXTRA_LABELS.get(k, k))}: {_plain(v)}"
            for k, v in value.items()
        ]
        return Truncator("; ".join(parts)).chars(TEXT_LIMIT * 2)
    if choices and isinstance(value, str) and value in choices:
        return str(choices[value])
    if model_field is None:
        return _plain(value)
    if model_field.is_relation and model_field.related_model is not None:
        related = model_field.related_model
        items = value if isinstance(value, list) else [value]
        shown = [names.name(related, i) if isinstance(i, int) else _plain(i) for i in items]  # type: ignore[arg-type]
        more = len(shown) - LIST_LIMIT
        text = ", ".join(shown[:LIST_LIMIT])
        return text + (_(" và %(n)d mục khác") % {"n": more} if more > 0 else "")
    if model_field.flatchoices:
        labels = {str(k): v for k, v in model_field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(model_field, models.BooleanField):
        return _yes_no(value)
    if isinstance(model_field, models.DateTimeField):
        return _moment(value)
    if isinstance(model_field, models.DateField):
        return _day(value)
    if isinstance(model_field, models.DecimalField | models.FloatField | models.IntegerField):
        return _number(value)
    return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value[:LIST_LIMIT])
    if isinstance(value, dict):
        return "; ".join(f"{EXTRA_LABELS.get(k, k)}: {_plain(v)}" for k, v in value.items())
    text = str(value)
    if text in EXTRA_VALUES:
        return str(EXTRA_VALUES[text])
    return Truncator(" ".join(text.split())).chars(TEXT_LIMIT)


def _yes_no(value: Any) -> str:
    return _("Có") if value in (True, "True", "true", 1) else _("Không")


def _moment(value: Any) -> str:
    """A datetime stored as ISO text (either separator) in the site's time zone."""
    try:
        moment = (
            value
            if isinstance(value, datetime.datetime)
            else datetime.datetime.fromisoformat(str(value))
        )
    except ValueError:
        return _plain(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _day(value: Any) -> str:
    try:
        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
    except ValueError:
        return _plain(value)
    return formats.date_format(day, "DATE_FORMAT")


def _figure(text: str) -> str:
    try:
        finite = Decimal(text).is_finite()
    except (InvalidOperation, ValueError):
        finite = False
    return _number(text) if finite else _plain(text)


def _number(value: Any) -> str:
    try:
        number = Decimal(str(value))
        if not number.is_finite() or abs(number.adjusted()) > 30:
            return Truncator(str(value)).chars(TEXT_LIMIT)
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
    except (InvalidOperation, ValueError):
        return Truncator(str(value)).chars(TEXT_LIMIT)
    return formats.number_format(number, use_l10n=True, force_grouping=True)
