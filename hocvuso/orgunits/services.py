"""Writes to the unit tree. Each service validates, writes, and audits in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from hocvuso.core import roles as R
from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.orgunits.importers import UnitRow
from hocvuso.orgunits.models import OrgUnit, UnitGroup, UnitPopulation, kind_fits_under
from hocvuso.orgunits.selectors import user_can

if TYPE_CHECKING:
    from hocvuso.accounts.models import User
    from hocvuso.core.tables import RowError
    from hocvuso.orgunits.divisions import Division

UNIT_FIELDS = ("name", "kind", "code", "short_name", "abbreviation")

# The kinds a focal point may give the units they add: the villages and residential groups
# (Thôn/Bản/Tổ dân phố) that only the commune knows. Every other kind, every change of kind
# and every group is set by coordinators and administrators (R.SHAPE_UNITS), since they
# decide what the province's plans address and what the public statistics count.
LOCAL_KINDS = frozenset({OrgUnit.Kind.VILLAGE})


# --- The shape of the tree: one rule for the forms, the import and the services


def may_shape(actor: User | None, unit: OrgUnit | None) -> bool:
    """Whether ``actor`` sets kinds and groups at ``unit`` (``None``: the root): a coordinator
    or administrator on it or above. ``actor=None`` is the system (commands, the demo)."""
    if actor is None:
        return True
    if unit is None:
        return actor.is_superuser
    return user_can(actor, unit, R.SHAPE_UNITS)


def kinds_for_new_unit(actor: User | None, parent: OrgUnit | None) -> list[str]:
    """The kinds ``actor`` may give a new unit under ``parent``, in display order: those that
    fit under it, and of those only LOCAL_KINDS unless ``actor`` may shape there."""
    shaper = may_shape(actor, parent)
    parent_kind = parent.kind if parent is not None else None
    return [
        kind
        for kind in OrgUnit.Kind.values
        if kind_fits_under(kind, parent_kind) and (shaper or kind in LOCAL_KINDS)
    ]


def kinds_for_unit(actor: User | None, unit: OrgUnit) -> list[str]:
    """The kinds ``actor`` may give ``unit``, in display order: only its own unless ``actor``
    may shape there; else its own and every kind that fits under its parent and above each
    of its children."""
    if not may_shape(actor, unit):
        return [unit.kind]
    parent = OrgUnit.objects.get_parent(unit) if unit.depth > 1 else None
    parent_kind = parent.kind if parent is not None else None
    child_kinds = set(_child_kinds(unit))
    return [
        kind
        for kind in OrgUnit.Kind.values
        if kind == unit.kind
        or (
            kind_fits_under(kind, parent_kind)
            and all(kind_fits_under(child, kind) for child in child_kinds)
        )
    ]


def _child_kinds(unit: OrgUnit) -> list[str]:
    if not unit.numchild:
        return []
    return list(
        OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        .values_list("kind", flat=True)
        .distinct()
        .order_by()
    )


def _kind_label(kind: str) -> str:
    return str(OrgUnit.Kind(kind).label) if kind in OrgUnit.Kind.values else kind


def kind_problem(
    kind: str, *, parent_kind: str | None, shaper: bool, current: str | None = None
) -> str | None:
    """Why a unit may not take ``kind`` under a unit of ``parent_kind`` (``None``: the root),
    or ``None`` when it may. ``current`` is the kind of an existing unit (an unchanged kind is
    never refused, so a unit can be renamed whatever its past); ``shaper`` is
    :func:`may_shape` for the caller."""
    if kind == current:
        return None
    if not shaper and (current is not None or kind not in LOCAL_KINDS):
        if current is not None:
            return _("Chỉ điều phối viên hoặc quản trị viên mới đổi được loại đơn vị.")
        return _("Chỉ điều phối viên hoặc quản trị viên mới thêm được đơn vị loại “%(kind)s”.") % {
            "kind": _kind_label(kind)
        }
    if not kind_fits_under(kind, parent_kind):
        if parent_kind is None:
            return _("%(kind)s không thể là đơn vị cấp cao nhất.") % {"kind": _kind_label(kind)}
        return _("%(kind)s không thể trực thuộc %(parent)s.") % {
            "kind": _kind_label(kind),
            "parent": _kind_label(parent_kind),
        }
    return None


def groups_problem(*, shaper: bool, before: Iterable[int], after: Iterable[int]) -> str | None:
    """Why the groups of a unit may not change from ``before`` to ``after`` (ids), or None."""
    if shaper or set(before) == set(after):
        return None
    return _("Chỉ điều phối viên hoặc quản trị viên mới xếp đơn vị vào nhóm.")


def children_problem(unit: OrgUnit, kind: str) -> str | None:
    """Why ``unit`` may not become ``kind`` given the units under it, or None."""
    if kind == unit.kind:
        return None
    unfit = [child for child in _child_kinds(unit) if not kind_fits_under(child, kind)]
    if not unfit:
        return None
    return _("Không đổi được sang %(kind)s: đơn vị này còn %(children)s trực thuộc.") % {
        "kind": _kind_label(kind),
        "children": ", ".join(_kind_label(c) for c in unfit),
    }


def length_problems(values: dict[str, str | None]) -> dict[str, str]:
    """A message for each of a unit's text ``values`` longer than its column allows: every
    write path (form, import, API) is refused with words, never by the database."""
    problems = {}
    for name, value in values.items():
        limit = OrgUnit._meta.get_field(name).max_length
        if value and limit and len(value) > limit:
            problems[name] = _("%(field)s dài quá %(limit)d ký tự.") % {
                "field": str(OrgUnit._meta.get_field(name).verbose_name).capitalize(),
                "limit": limit,
            }
    return problems


def _raise_problems(problems: dict[str, str | None]) -> None:
    found = {name: message for name, message in problems.items() if message}
    if found:
        raise ValidationError(found)


# --- Writes


def _check_code_free(code: str | None, *, exclude_pk: int | None = None) -> None:
    if code and OrgUnit.objects.filter(code__iexact=code).exclude(pk=exclude_pk).exists():
        raise ValidationError({"code": _("Mã đơn vị “%(code)s” đã được dùng.") % {"code": code}})


def add_children_bulk(
    parent: OrgUnit | None, units: Sequence[OrgUnit], *, actor: User | None
) -> list[OrgUnit]:
    """Give unsaved ``units`` the next free paths under ``parent`` (roots when ``None``) and
    insert them, and their audit rows, in two statements — the fast path for loading
    thousands of units. Call inside the caller's transaction."""
    if not units:
        return []
    if parent is None:
        last = OrgUnit.objects.get_last_root_node()
        base_path, depth = "", 1
    else:
        # Lock the parent so two imports under the same unit cannot pick the same paths.
        parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
        last = OrgUnit.objects.get_last_child(parent)
        base_path, depth = parent.path, parent.depth + 1
    position = last._get_lastpos_in_path() if last else 0
    for unit in units:
        position += 1
        unit.path = OrgUnit._get_path(base_path, depth, position)
        unit.depth = depth
        unit.numchild = 0
        unit.refresh_search_text()
    created = OrgUnit.objects.bulk_create(units)
    if parent is not None:
        OrgUnit.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(units))
    AuditLog.objects.bulk_create(
        AuditLog(
            actor=actor,
            action=AuditLog.Action.CREATE,
            object_type=OrgUnit._meta.label_lower,
            object_id=str(unit.pk),
            object_repr=unit.name[:255],
            unit=unit,
            changes=diff({}, snapshot(unit, UNIT_FIELDS)),
        )
        for unit in created
    )
    return created


@transaction.atomic
def create_unit(
    *,
    actor: User | None,
    parent: OrgUnit | None,
    name: str,
    kind: str,
    code: str | None = None,
    short_name: str = "",
    abbreviation: str = "",
    groups: Iterable[UnitGroup] = (),
    is_demo: bool = False,
) -> OrgUnit:
    """Add a unit under ``parent`` (a root when ``None``). Caller checks EDIT_UNITS on parent.

    The kind must fit under the parent, and be one of LOCAL_KINDS with no groups unless
    ``actor`` may shape the tree there (:func:`may_shape`); every text within its column.
    Refusals are a ValidationError by field. Audits the creation against the new unit.
    """
    code = (code or "").strip() or None
    groups = list(groups)
    shaper = may_shape(actor, parent)
    parent_kind = parent.kind if parent is not None else None
    _raise_problems(
        {
            **length_problems(
                {"name": name, "code": code, "short_name": short_name, "abbreviation": abbreviation}
            ),
            "kind": kind_problem(kind, parent_kind=parent_kind, shaper=shaper),
            "groups": groups_problem(shaper=shaper, before=[], after=[g.pk for g in groups]),
        }
    )
    _check_code_free(code)
    unit = OrgUnit(
        name=name.strip(),
        kind=kind,
        code=code,
        short_name=short_name.strip(),
        abbreviation=abbreviation.strip(),
        is_demo=is_demo,
    )
    unit.refresh_search_text()
    unit.full_clean(exclude=["path", "depth", "numchild", "search_text"])
    unit = (
        OrgUnit.objects.add_root(instance=unit)
        if parent is None
        else OrgUnit.objects.add_child(parent, instance=unit)
    )
    if groups:
        unit.groups.set(groups)
    record_audit(
        actor=actor,
        action=AuditLog.Action.CREATE,
        obj=unit,
        unit=unit,
        changes=diff({}, snapshot(unit, (*UNIT_FIELDS, "groups"))),
    )
    return unit


@transaction.atomic
def update_unit(
    *,
    actor: User | None,
    unit: OrgUnit,
    groups: Iterable[UnitGroup] | None = None,
    **fields: str | None,
) -> OrgUnit:
    """Change a unit's own fields (not its place in the tree); ``groups=None`` keeps them.

    A new kind must fit under the parent and above every child, and — like any change of
    groups — needs an ``actor`` who may shape the tree at ``unit`` (:func:`may_shape`); every
    text within its column. Refusals are a ValidationError by field. Audits what changed.
    """
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"update_unit() cannot change {sorted(unknown)}")
    before = snapshot(unit, (*UNIT_FIELDS, "groups"))
    shaper = may_shape(actor, unit)
    problems: dict[str, str | None] = dict(length_problems(fields))
    if "kind" in fields and fields["kind"] != unit.kind:
        parent = OrgUnit.objects.get_parent(unit) if unit.depth > 1 else None
        problems["kind"] = kind_problem(
            fields["kind"] or "",
            parent_kind=parent.kind if parent is not None else None,
            shaper=shaper,
            current=unit.kind,
        ) or children_problem(unit, fields["kind"] or "")
    if groups is not None:
        groups = list(groups)
        problems["groups"] = groups_problem(
            shaper=shaper, before=before["groups"], after=[g.pk for g in groups]
        )
    _raise_problems(problems)
    if "code" in fields:
        fields["code"] = (fields["code"] or "").strip() or None
        _check_code_free(fields["code"], exclude_pk=unit.pk)
    for name, value in fields.items():
        setattr(unit, name, value.strip() if isinstance(value, str) else value)
    unit.refresh_search_text()
    unit.full_clean(exclude=["path", "depth", "numchild", "search_text"])
    unit.save(update_fields=[*fields, "search_text", "updated_at"])
    if groups is not None:
        unit.groups.set(groups)
    changes = diff(before, snapshot(unit, (*UNIT_FIELDS, "groups")))
    if changes:
        record_audit(
            actor=actor, action=AuditLog.Action.UPDATE, obj=unit, unit=unit, changes=changes
        )
    return unit


@transaction.atomic
def delete_unit(*, actor: User | None, unit: OrgUnit) -> None:
    """Delete a unit that has no children. Audits against the parent, which outlives it."""
    if unit.numchild:
        raise ValidationError(_("Không thể xóa đơn vị còn đơn vị trực thuộc."))
    parent = OrgUnit.objects.get_parent(unit)
    record_audit(
        actor=actor,
        action=AuditLog.Action.DELETE,
        obj=unit,
        unit=parent,
        changes=diff(snapshot(unit, UNIT_FIELDS), {}),
    )
    unit.delete()


@transaction.atomic
def set_population(
    *,
    actor: User | None,
    unit: OrgUnit,
    year: int,
    adults: int | None,
    households: int | None,
    source: str = "",
    **groups: int | None,
) -> UnitPopulation:
    """Record or correct a unit's population figures for a year. Audits the change. The
    sizes of Plan 01's other groups (``staff``, ``pupils``, ``workers``) are set when given,
    kept otherwise."""
    unknown = set(groups) - {"staff", "pupils", "workers"}
    if unknown:
        raise TypeError(f"unknown population figures: {sorted(unknown)}")
    figure, created = UnitPopulation.objects.get_or_create(unit=unit, year=year)
    fields = ("adults", "households", "staff", "pupils", "workers", "source")
    before = {} if created else snapshot(figure, fields)
    figure.adults, figure.households, figure.source = adults, households, source.strip()
    for name, value in groups.items():
        setattr(figure, name, value)
    figure.full_clean()
    figure.save()
    changes = diff(before, snapshot(figure, fields))
    if changes or created:
        record_audit(
            actor=actor,
            action=AuditLog.Action.CREATE if created else AuditLog.Action.UPDATE,
            obj=figure,
            unit=unit,
            changes=changes,
        )
    return figure


@transaction.atomic
def ensure_group(*, actor: User | None, name: str, slug: str, is_demo: bool = False) -> UnitGroup:
    group, created = UnitGroup.objects.get_or_create(
        slug=slug, defaults={"name": name, "is_demo": is_demo}
    )
    if created:
        record_audit(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=group,
            unit=None,
            changes=diff({}, snapshot(group, ("name", "slug"))),
        )
    return group


@transaction.atomic
def load_divisions(*, actor: User | None, province_code: str | None = None) -> dict[str, int]:
    """Create or refresh the official provinces and communes/wards (all, or one province).

    Idempotent: units are matched by official code; names are brought up to date, nothing
    is duplicated, and units added by hand under them are left alone. Returns counts of
    created and updated units. Audits each created or renamed unit.
    """
    from hocvuso.orgunits import divisions

    wanted = divisions.provinces(province_code)
    if province_code and not wanted:
        raise ValidationError(_("Không có tỉnh/thành phố mã “%(code)s”.") % {"code": province_code})
    created = updated = 0
    for province in wanted:
        unit, was_created, was_updated = _upsert_division(actor, province, parent=None)
        created += was_created
        updated += was_updated
        children = divisions.communes(province.code)
        existing = {u.code: u for u in OrgUnit.objects.filter(code__in=[c.code for c in children])}
        new_units = []
        for commune in children:
            found = existing.get(commune.code)
            if found is None:
                new_units.append(
                    OrgUnit(
                        name=commune.name,
                        short_name=commune.short_name,
                        kind=OrgUnit.Kind.COMMUNE,
                        code=commune.code,
                    )
                )
            elif _refresh_division(actor, found, commune):
                updated += 1
        add_children_bulk(unit, new_units, actor=actor)
        created += len(new_units)
    return {"created": created, "updated": updated}


def _upsert_division(
    actor: User | None, division: Division, parent: OrgUnit | None
) -> tuple[OrgUnit, bool, bool]:
    unit = OrgUnit.objects.filter(code=division.code).first()
    if unit is None:
        unit = create_unit(
            actor=actor,
            parent=parent,
            name=division.name,
            short_name=division.short_name,
            kind=OrgUnit.Kind.PROVINCE,
            code=division.code,
        )
        return unit, True, False
    return unit, False, _refresh_division(actor, unit, division)


def _refresh_division(actor: User | None, unit: OrgUnit, division: Division) -> bool:
    if unit.name == division.name and unit.short_name == division.short_name:
        return False
    update_unit(actor=actor, unit=unit, name=division.name, short_name=division.short_name)
    return True


@transaction.atomic
def import_units(
    *, actor: User | None, under: OrgUnit, filename: str, content: bytes
) -> dict[str, int]:
    """Create or update units below ``under`` from a CSV or Excel file: all rows or none.

    A row's parent is ``under`` when its parent code is blank, else the unit with that code —
    an existing unit inside ``under``'s subtree or another row of the file (anything else is
    "not found", so a file cannot reach outside the caller's units). Rows with a code that
    exists update that unit; rows without one update the same-named child of their parent,
    so importing a file twice changes nothing. Raises ``ImportRejected`` listing every bad
    row by line number. Audits every change. Caller checks EDIT_UNITS on ``under``; the
    rows obey the rule of the tree's shape as :func:`create_unit` and :func:`update_unit` do
    (kinds and groups as ``actor`` may set them under ``under``, texts within their columns).
    """
    from hocvuso.orgunits import importers

    # The size, the sheet's bounds and the encoding are checked before any row is read.
    rows, errors = importers.parse_rows(importers.read_units(filename, content))
    plan = _UnitImport(under, rows, errors, shaper=may_shape(actor, under))
    plan.check()
    counts = plan.write(actor)
    # Each unit's row says what changed in it; this one says who imported which file.
    record_audit(
        actor=actor,
        action=AuditLog.Action.IMPORT,
        obj=under,
        unit=under,
        changes={**counts, "file": filename[:100]},
    )
    return counts


class _UnitImport:
    """The checks that span rows and the database, then the writes, of one import."""

    def __init__(
        self, under: OrgUnit, rows: list[UnitRow], errors: list[RowError], *, shaper: bool
    ) -> None:
        from hocvuso.core.tables import fold

        self.fold = fold
        self.shaper = shaper  # may_shape(actor, under): every row lies in under's subtree
        self.under = under
        self.rows = rows
        self.errors = errors
        self.by_code: dict[str, UnitRow] = {}
        self.parent_of: dict[int, OrgUnit | UnitRow] = {}
        self.target_of: dict[int, OrgUnit] = {}  # line → the existing unit the row updates
        self.groups = {fold(g.name): g for g in UnitGroup.objects.all()}
        self.existing = self._existing_units()

    def error(self, line: int, message: str) -> None:
        from hocvuso.core.tables import RowError

        self.errors.append(RowError(line, message))

    def inside(self, unit: OrgUnit) -> bool:
        return unit.path.startswith(self.under.path)

    def _existing_units(self) -> dict[str, OrgUnit]:
        mentioned = {r.code for r in self.rows if r.code}
        mentioned |= {r.parent_code for r in self.rows if r.parent_code}
        # Codes match case-insensitively: the IN catches the usual spellings, one OR of
        # iexact the rest, never a query per row.
        found = {
            u.code.casefold(): u
            for u in OrgUnit.objects.filter(code__in=mentioned | {c.upper() for c in mentioned})
        }
        missing = {c for c in mentioned if c.casefold() not in found}
        if missing:
            for unit in OrgUnit.objects.filter(_any_iexact("code", missing)):
                found[unit.code.casefold()] = unit
        return found

    def check(self) -> None:
        from hocvuso.core.tables import ImportRejected

        self._index_codes()
        for row in self.rows:
            self._check_row(row)
        self._check_loops()
        self._check_same_names()
        if self.errors:
            raise ImportRejected(self.errors)
        self._match_uncoded_rows()
        # Whether a row adds a unit or changes one is known only now.
        for row in self.rows:
            self._check_shape(row)
        if self.errors:
            raise ImportRejected(self.errors)

    def _check_shape(self, row: UnitRow) -> None:
        """Kinds and groups as the actor may set them (the rule create_unit and update_unit
        apply), and a changed kind that still fits above the unit's existing children."""
        target = self.target_of.get(row.line)
        parent = self.parent_of[row.line]
        problem = kind_problem(
            row.kind,
            parent_kind=parent.kind,
            shaper=self.shaper,
            current=target.kind if target is not None else None,
        )
        if problem is None and target is not None:
            problem = children_problem(target, row.kind)
        if problem:
            self.error(row.line, problem)
        if row.groups and not self.shaper:
            before = list(target.groups.values_list("pk", flat=True)) if target else []
            after = [self.groups[self.fold(g)].pk for g in row.groups]
            if problem := groups_problem(shaper=False, before=before, after=after):
                self.error(row.line, problem)

    def _index_codes(self) -> None:
        for row in self.rows:
            if row.code is None:
                continue
            key = row.code.casefold()
            if key in self.by_code:
                other = self.by_code[key].line
                self.error(
                    row.line,
                    _("mã “%(code)s” trùng với dòng %(other)d.")
                    % {"code": row.code, "other": other},
                )
            else:
                self.by_code[key] = row

    def _parent(self, row: UnitRow) -> OrgUnit | UnitRow | None:
        if not row.parent_code:
            return self.under
        key = row.parent_code.casefold()
        # An existing unit wins over the row that names it, so re-importing a file whose
        # rows hang under one another matches what the first import created.
        if key in self.existing and self.inside(self.existing[key]):
            return self.existing[key]
        if key in self.by_code and self.by_code[key] is not row:
            return self.by_code[key]
        self.error(
            row.line,
            _("không tìm thấy đơn vị cấp trên mã “%(code)s” trong phạm vi %(unit)s.")
            % {"code": row.parent_code, "unit": self.under.name},
        )
        return None

    def _check_row(self, row: UnitRow) -> None:
        values = {
            "code": row.code,
            "name": row.name,
            "short_name": row.short_name,
            "abbreviation": row.abbreviation,
        }
        for message in length_problems(values).values():
            self.error(row.line, message)
        parent = self._parent(row)
        if parent is None:
            return
        self.parent_of[row.line] = parent
        if not kind_fits_under(row.kind, parent.kind):
            labels = {
                "kind": OrgUnit.Kind(row.kind).label,
                "parent": OrgUnit.Kind(parent.kind).label,
            }
            self.error(row.line, _("%(kind)s không thể trực thuộc %(parent)s.") % labels)
        if row.code and row.code.casefold() in self.existing:
            self._check_existing(row, self.existing[row.code.casefold()], parent)
        unknown = [g for g in row.groups if self.fold(g) not in self.groups]
        if unknown:
            self.error(
                row.line,
                _("không có nhóm đơn vị “%(groups)s”.") % {"groups": "; ".join(unknown)},
            )

    def _check_existing(self, row: UnitRow, unit: OrgUnit, parent: OrgUnit | UnitRow) -> None:
        if not self.inside(unit):
            self.error(
                row.line,
                _("mã “%(code)s” đã được dùng cho một đơn vị khác.") % {"code": row.code},
            )
        elif isinstance(parent, OrgUnit) and unit.is_child_of(parent):
            self.target_of[row.line] = unit
        else:
            self.error(
                row.line,
                _(
                    "đơn vị mã “%(code)s” đã có và nằm dưới đơn vị cấp trên khác; "
                    "không chuyển đơn vị bằng tệp nhập."
                )
                % {"code": row.code},
            )

    def _check_loops(self) -> None:
        for row in self.rows:
            seen = {row.line}
            parent = self.parent_of.get(row.line)
            while isinstance(parent, UnitRow):
                if parent.line in seen:
                    self.error(row.line, _("mã đơn vị cấp trên tạo thành vòng lặp."))
                    break
                seen.add(parent.line)
                parent = self.parent_of.get(parent.line)

    def _check_same_names(self) -> None:
        named: dict[tuple[int, str], int] = {}
        for row in self.rows:
            parent = self.parent_of.get(row.line)
            if parent is None or row.code:
                continue
            key = (id(parent), self.fold(row.name))
            if key in named:
                self.error(
                    row.line,
                    _("“%(name)s” trùng với dòng %(other)d (cùng đơn vị cấp trên).")
                    % {"name": row.name, "other": named[key]},
                )
            named[key] = row.line

    def _match_uncoded_rows(self) -> None:
        """Rows without a code update the same-named existing child of their parent."""
        parents = {
            p.pk: p
            for r in self.rows
            if not r.code and isinstance(p := self.parent_of[r.line], OrgUnit)
        }
        for parent in parents.values():
            children = {self.fold(c.name): c for c in OrgUnit.objects.get_children(parent)}
            for row in self.rows:
                parent_of_row = self.parent_of[row.line]
                if row.code or not isinstance(parent_of_row, OrgUnit):
                    continue
                if parent_of_row.pk == parent.pk and self.fold(row.name) in children:
                    self.target_of[row.line] = children[self.fold(row.name)]

    def write(self, actor: User | None) -> dict[str, int]:
        created = self._create_new(actor)
        updated = 0
        for row in self.rows:
            groups = [self.groups[self.fold(g)] for g in row.groups]
            if row.line in self.target_of:
                updated += self._update(actor, row, self.target_of[row.line], groups)
            elif groups:
                created[row.line].groups.set(groups)
            if row.year is not None:
                set_population(
                    actor=actor,
                    unit=created.get(row.line) or self.target_of[row.line],
                    year=row.year,
                    adults=row.adults,
                    households=row.households,
                    # A blank group figure keeps the one already recorded.
                    **{
                        name: getattr(row, name)
                        for name in ("staff", "pupils", "workers")
                        if getattr(row, name) is not None
                    },
                )
        return {"created": len(created), "updated": updated, "rows": len(self.rows)}

    def _create_new(self, actor: User | None) -> dict[int, OrgUnit]:
        """Insert new rows level by level (a parent before its children), in bulk per parent."""
        created: dict[int, OrgUnit] = {}
        pending = [r for r in self.rows if r.line not in self.target_of]
        while pending:
            by_parent: dict[int, tuple[OrgUnit, list[UnitRow]]] = {}
            for row in pending:
                parent = self.parent_of[row.line]
                if isinstance(parent, UnitRow):
                    parent = created.get(parent.line) or self.target_of.get(parent.line)
                if parent is not None:
                    by_parent.setdefault(parent.pk, (parent, []))[1].append(row)
            for parent, batch in by_parent.values():
                units = add_children_bulk(
                    parent,
                    actor=actor,
                    units=[
                        OrgUnit(
                            name=r.name,
                            kind=r.kind,
                            code=r.code,
                            short_name=r.short_name,
                            abbreviation=r.abbreviation,
                        )
                        for r in batch
                    ],
                )
                created.update({r.line: u for r, u in zip(batch, units, strict=True)})
            pending = [r for r in pending if r.line not in created]
        return created

    def _update(self, actor: User | None, row: UnitRow, unit: OrgUnit, groups: list) -> bool:
        before = snapshot(unit, (*UNIT_FIELDS, "groups"))
        update_unit(
            actor=actor,
            unit=unit,
            name=row.name,
            kind=row.kind,
            short_name=row.short_name or unit.short_name,
            abbreviation=row.abbreviation or unit.abbreviation,
            groups=groups or None,
        )
        return before != snapshot(unit, (*UNIT_FIELDS, "groups"))


def _any_iexact(field: str, values: Iterable[str]) -> Q:
    condition = Q()
    for value in values:
        condition |= Q(**{f"{field}__iexact": value})
    return condition
