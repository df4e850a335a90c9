"""Writes to the unit tree. Each service validates, writes, and audits in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from hocvuso.core.models import AuditLog
from hocvuso.core.services import diff, record_audit, snapshot
from hocvuso.orgunits.models import OrgUnit, UnitGroup, UnitPopulation

if TYPE_CHECKING:
    from hocvuso.accounts.models import User
    from hocvuso.orgunits.divisions import Division

UNIT_FIELDS = ("name", "kind", "code", "short_name", "abbreviation")


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

    Audits the creation against the new unit.
    """
    code = (code or "").strip() or None
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
    groups = list(groups)
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
    """Change a unit's own fields (not its place in the tree). Audits what changed, if anything."""
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"update_unit() cannot change {sorted(unknown)}")
    before = snapshot(unit, (*UNIT_FIELDS, "groups"))
    if "code" in fields:
        fields["code"] = (fields["code"] or "").strip() or None
        _check_code_free(fields["code"], exclude_pk=unit.pk)
    for name, value in fields.items():
        setattr(unit, name, value.strip() if isinstance(value, str) else value)
    unit.refresh_search_text()
    unit.full_clean(exclude=["path", "depth", "numchild", "search_text"])
    unit.save(update_fields=[*fields, "search_text", "updated_at"])
    if groups is not None:
        unit.groups.set(list(groups))
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
) -> UnitPopulation:
    """Record or correct a unit's population figures for a year. Audits the change."""
    figure, created = UnitPopulation.objects.get_or_create(unit=unit, year=year)
    fields = ("adults", "households", "source")
    before = {} if created else snapshot(figure, fields)
    figure.adults, figure.households, figure.source = adults, households, source.strip()
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
    another row of the file or an existing unit inside ``under``'s subtree (anything else is
    "not found", so the file cannot reach outside the caller's units). Rows with a code that
    exists update that unit; rows without one update the same-named child of their parent.
    Raises ``ImportRejected`` listing every bad row by line number. Audits every change.
    Caller checks EDIT_UNITS on ``under``.
    """
    from django.conf import settings

    from hocvuso.orgunits import importers
    from hocvuso.orgunits.importers import ImportRejected, RowError, UnitRow

    if len(content) > settings.UNIT_IMPORT_MAX_BYTES:
        raise ImportRejected(
            [
                RowError(
                    0,
                    _("Tệp lớn quá %(mb)d MB.")
                    % {"mb": settings.UNIT_IMPORT_MAX_BYTES // (1024 * 1024)},
                )
            ]
        )
    rows, errors = importers.parse_rows(importers.read_table(filename, content))

    by_code: dict[str, UnitRow] = {}
    for row in rows:
        if row.code is None:
            continue
        key = row.code.casefold()
        if key in by_code:
            errors.append(
                RowError(
                    row.line,
                    _("mã “%(code)s” trùng với dòng %(other)d.")
                    % {"code": row.code, "other": by_code[key].line},
                )
            )
        else:
            by_code[key] = row
    mentioned = {r.code for r in rows if r.code} | {r.parent_code for r in rows if r.parent_code}
    existing = {
        u.code.casefold(): u
        for u in OrgUnit.objects.filter(code__in=mentioned | {c.upper() for c in mentioned})
    }
    # Codes are matched case-insensitively; the IN above catches the usual spellings and
    # the loop below the rest, without one query per row.
    missing = {c for c in mentioned if c.casefold() not in existing}
    if missing:
        for unit in OrgUnit.objects.filter(code__isnull=False).filter(_any_iexact("code", missing)):
            existing[unit.code.casefold()] = unit
    groups = {importers.fold(g.name): g for g in UnitGroup.objects.all()}

    def inside(unit: OrgUnit) -> bool:
        return unit.path.startswith(under.path)

    parent_of: dict[int, OrgUnit | UnitRow] = {}
    target_of: dict[int, OrgUnit] = {}  # line → existing unit the row updates
    for row in rows:
        parent: OrgUnit | UnitRow | None = under
        if row.parent_code:
            key = row.parent_code.casefold()
            if key in by_code and by_code[key] is not row:
                parent = by_code[key]
            elif key in existing and inside(existing[key]):
                parent = existing[key]
            else:
                parent = None
                errors.append(
                    RowError(
                        row.line,
                        _("không tìm thấy đơn vị cấp trên mã “%(code)s” trong phạm vi %(unit)s.")
                        % {"code": row.parent_code, "unit": under.name},
                    )
                )
        if parent is None:
            continue
        parent_of[row.line] = parent
        if not importers.kind_fits_under(row.kind, parent.kind):
            errors.append(
                RowError(
                    row.line,
                    _("%(kind)s không thể trực thuộc %(parent)s.")
                    % {
                        "kind": OrgUnit.Kind(row.kind).label,
                        "parent": OrgUnit.Kind(parent.kind).label,
                    },
                )
            )
        if row.code and row.code.casefold() in existing:
            unit = existing[row.code.casefold()]
            if not inside(unit):
                errors.append(
                    RowError(
                        row.line,
                        _("mã “%(code)s” đã được dùng cho một đơn vị khác.") % {"code": row.code},
                    )
                )
            elif (
                not isinstance(parent, OrgUnit)
                or not unit.path.startswith(parent.path)
                or (unit.depth != parent.depth + 1)
            ):
                errors.append(
                    RowError(
                        row.line,
                        _(
                            "đơn vị mã “%(code)s” đã có và nằm dưới đơn vị cấp trên khác; "
                            "không chuyển đơn vị bằng tệp nhập."
                        )
                        % {"code": row.code},
                    )
                )
            else:
                target_of[row.line] = unit
        unknown_groups = [g for g in row.groups if importers.fold(g) not in groups]
        if unknown_groups:
            errors.append(
                RowError(
                    row.line,
                    _("không có nhóm đơn vị “%(groups)s”.") % {"groups": "; ".join(unknown_groups)},
                )
            )

    # Parents named by code inside the file must not loop back on themselves.
    for row in rows:
        seen = {row.line}
        parent = parent_of.get(row.line)
        while isinstance(parent, UnitRow):
            if parent.line in seen:
                errors.append(RowError(row.line, _("mã đơn vị cấp trên tạo thành vòng lặp.")))
                break
            seen.add(parent.line)
            parent = parent_of.get(parent.line)

    # Rows without a code are identified by name under their parent.
    named: dict[tuple[object, str], int] = {}
    for row in rows:
        parent = parent_of.get(row.line)
        if parent is None or row.code:
            continue
        key = (id(parent), importers.fold(row.name))
        if key in named:
            errors.append(
                RowError(
                    row.line,
                    _("“%(name)s” trùng với dòng %(other)d (cùng đơn vị cấp trên).")
                    % {"name": row.name, "other": named[key]},
                )
            )
        named[key] = row.line
    if errors:
        raise ImportRejected(errors)

    uncoded_parents = {
        id(p): p for r in rows if not r.code and isinstance(p := parent_of[r.line], OrgUnit)
    }
    for parent in uncoded_parents.values():
        children = {
            importers.fold(c.name): c
            for c in OrgUnit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        }
        for row in rows:
            if not row.code and parent_of[row.line] is parent:
                found = children.get(importers.fold(row.name))
                if found is not None:
                    target_of[row.line] = found

    created: dict[int, OrgUnit] = {}
    pending = [r for r in rows if r.line not in target_of]
    while pending:
        ready = [
            r
            for r in pending
            if not isinstance(parent_of[r.line], UnitRow)
            or parent_of[r.line].line in created
            or parent_of[r.line].line in target_of
        ]
        by_parent: dict[int, tuple[OrgUnit, list[UnitRow]]] = {}
        for row in ready:
            parent = parent_of[row.line]
            if isinstance(parent, UnitRow):
                parent = created.get(parent.line) or target_of[parent.line]
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

    updated = 0
    for row in rows:
        if row.line in target_of:
            unit = target_of[row.line]
            before = snapshot(unit, (*UNIT_FIELDS, "groups"))
            update_unit(
                actor=actor,
                unit=unit,
                name=row.name,
                kind=row.kind,
                short_name=row.short_name or unit.short_name,
                abbreviation=row.abbreviation or unit.abbreviation,
                groups=[groups[importers.fold(g)] for g in row.groups] if row.groups else None,
            )
            updated += before != snapshot(unit, (*UNIT_FIELDS, "groups"))
        elif row.groups:
            created[row.line].groups.set([groups[importers.fold(g)] for g in row.groups])
        if row.year is not None:
            set_population(
                actor=actor,
                unit=created.get(row.line) or target_of[row.line],
                year=row.year,
                adults=row.adults,
                households=row.households,
            )
    return {"created": len(created), "updated": updated, "rows": len(rows)}


def _any_iexact(field: str, values: Iterable[str]) -> Q:
    condition = Q()
    for value in values:
        condition |= Q(**{f"{field}__iexact": value})
    return condition
