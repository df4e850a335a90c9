"""Indicators, targets, forms, the values units typed and the figures computed from them,
and writing a unit's values — the same services and selectors as the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hocvuso.core import roles as R
from hocvuso.core.api import Id, PathId, SearchText, choice, paginated
from hocvuso.core.tables import fold
from hocvuso.orgunits.selectors import children_of, get_unit_for_user, scope_for_user, user_can
from hocvuso.reports import periods as P
from hocvuso.reports import selectors, services
from hocvuso.reports.models import DataSet, DataValue, Indicator, Report, Target

router = Router(tags=["reports"])
PeriodKey = Annotated[str, Field(max_length=24, pattern=r"^[0-9][0-9WQ_\-]*$")]


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    value_type: choice(Indicator.ValueType)
    aggregation: choice(Indicator.Aggregation)
    unit_of_measure: str
    numerator_id: int | None
    denominator_id: int | None
    source: str
    is_computed: bool
    is_public: bool


class IndicatorFilters(Schema):
    q: SearchText = ""
    computed: bool | None = None


@router.get("/indicators", response=list[IndicatorOut])
@paginated
def list_indicators(request: HttpRequest, filters: Query[IndicatorFilters]) -> list[Indicator]:
    """Every indicator, in the order the forms show them; ``q`` searches names and codes with
    or without diacritics."""
    indicators = list(selectors.indicators_visible())
    if filters.q:
        words = fold(filters.q).split()
        indicators = [
            i
            for i in indicators
            if all(w in fold(f"{i.name} {i.short_name} {i.code}") for w in words)
        ]
    if filters.computed is not None:
        indicators = [i for i in indicators if i.is_computed == filters.computed]
    return indicators


@router.get("/indicators/{indicator_id}", response=IndicatorOut)
def get_indicator(request: HttpRequest, indicator_id: PathId) -> Indicator:
    indicator = selectors.indicators_visible().filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404
    return indicator


class TargetOut(Schema):
    indicator_id: int
    unit_id: int
    year: int
    value: Decimal


class TargetFilters(Schema):
    indicator: Id | None = None
    unit: Id | None = None
    year: int | None = Field(None, ge=1900, le=2200)


@router.get("/targets", response=list[TargetOut])
@paginated
def list_targets(request: HttpRequest, filters: Query[TargetFilters]) -> QuerySet[Target]:
    """Targets of the caller's units."""
    targets = scope_for_user(Target.objects.all(), request.user, via="unit").order_by(
        "indicator", "unit", "year"
    )
    if filters.indicator:
        targets = targets.filter(indicator_id=filters.indicator)
    if filters.unit:
        targets = targets.filter(unit_id=filters.unit)
    if filters.year:
        targets = targets.filter(year=filters.year)
    return targets


class DataSetOut(Schema):
    id: int
    code: str
    name: str
    owner_unit_id: int
    period_type: choice(P.PeriodType)
    deadline_days: int
    indicator_ids: list[int]

    @staticmethod
    def resolve_indicator_ids(dataset: DataSet) -> list[int]:
        return [m.indicator_id for m in dataset.members.all()]


@router.get("/datasets", response=list[DataSetOut])
@paginated
def list_datasets(request: HttpRequest) -> list[DataSet]:
    """The forms the caller reports, reviews or manages."""
    return selectors.datasets_visible_to(request.user)


class ValueOut(Schema):
    indicator_id: int
    unit_id: int
    period: str
    period_start: datetime.date
    period_end: datetime.date
    value: Decimal | None
    text: str
    updated_at: datetime.datetime


class ValueFilters(Schema):
    indicator: Id | None = None
    unit: Id | None = None
    period: PeriodKey | None = None


@router.get("/values", response=list[ValueOut])
@paginated
def list_values(request: HttpRequest, filters: Query[ValueFilters]) -> QuerySet[DataValue]:
    """The values units typed (and the computed figures kept when a report was sent), in the
    caller's units."""
    values = scope_for_user(DataValue.objects.all(), request.user, via="unit").order_by(
        "unit", "indicator", "period_start"
    )
    if filters.indicator:
        values = values.filter(indicator_id=filters.indicator)
    if filters.unit:
        values = values.filter(unit_id=filters.unit)
    if filters.period:
        values = values.filter(period=filters.period)
    return values


class FigureOut(Schema):
    indicator_id: int
    unit_id: int
    period: str
    value: Decimal | str | None


class FigureFilters(Schema):
    unit: Id
    period: PeriodKey
    indicators: list[Id] = Field(default_factory=list, max_length=50)
    children: bool = False


@router.get("/figures", response=list[FigureOut])
def figures(request: HttpRequest, filters: Query[FigureFilters]) -> list[FigureOut]:
    """Each indicator's figure for the unit's subtree (and, with ``children``, for each child)
    in one period, computed by the indicator's rule: sums, ratios of sums, averages, figures
    from the system's records. All indicators when none are named."""
    unit = get_unit_for_user(request.user, filters.unit)
    try:
        period = P.parse(filters.period)
    except P.PeriodError as exc:
        raise ValidationError(str(exc)) from None
    indicators = list(selectors.indicators_visible())
    if filters.indicators:
        indicators = [i for i in indicators if i.pk in set(filters.indicators)]
    units = [unit, *children_of(unit)] if filters.children else [unit]
    found = selectors.values_for(indicators, units, [period])
    return [
        FigureOut(indicator_id=i, unit_id=u, period=key, value=value)
        for (i, u, key), value in sorted(found.items())
    ]


class ReportOut(Schema):
    id: int
    dataset_id: int
    unit_id: int
    period: str
    status: choice(Report.Status)
    deadline: datetime.date
    submitted_at: datetime.datetime | None
    is_late: bool
    awaiting_unit_id: int | None


class ReportFilters(Schema):
    dataset: Id | None = None
    period: PeriodKey | None = None
    status: choice(Report.Status) | None = None


@router.get("/reports", response=list[ReportOut])
@paginated
def list_reports(request: HttpRequest, filters: Query[ReportFilters]) -> QuerySet[Report]:
    """Where each of the caller's units stands with each form and period."""
    reports = scope_for_user(Report.objects.all(), request.user, via="unit").order_by(
        "-period_start", "unit"
    )
    if filters.dataset:
        reports = reports.filter(dataset_id=filters.dataset)
    if filters.period:
        reports = reports.filter(period=filters.period)
    if filters.status:
        reports = reports.filter(status=filters.status)
    return reports


class ValuesIn(Schema):
    dataset: Id
    unit: Id
    period: PeriodKey
    # indicator id → the value as typed ("1.234", "12,5"); "" clears it
    values: dict[Id, Annotated[str, Field(max_length=2000)]] = Field(max_length=200)


class ValuesSaved(Schema):
    saved: dict[int, str]


@router.post("/values", response=ValuesSaved)
def save_values(request: HttpRequest, payload: ValuesIn) -> ValuesSaved:
    """Store a unit's values for a form and period, all or nothing: 400 naming every wrong
    value (also while the report is sent or approved), 403 for a role that may not type,
    404 outside the caller's units or when the form is not the unit's."""
    dataset = selectors.get_dataset_for_user(request.user, payload.dataset)
    unit = selectors.get_entry_unit(request.user, dataset, payload.unit)
    if not user_can(request.user, unit, R.ENTER_DATA):
        raise PermissionDenied
    try:
        period = dataset.parse_period(payload.period)
    except P.PeriodError:
        message = _("Kỳ “%(key)s” không phải là một kỳ của biểu mẫu này.")
        raise ValidationError(message % {"key": payload.period}) from None
    try:
        results = services.save_values(
            actor=request.user, dataset=dataset, unit=unit, period=period, values=payload.values
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError(
                [f"{key}: {' '.join(m)}" for key, m in exc.message_dict.items()]
            ) from None
        raise
    return ValuesSaved(saved={pk: r.display for pk, r in results.items()})
