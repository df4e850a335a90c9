from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from hocvuso.learning.models import ClassSession, Course
from hocvuso.learning.services import Mark, PersonInput


@pytest.fixture
def course(tree):
    return Course.objects.create(
        owner=tree.province,
        title="Kỹ năng số cơ bản cho người dân",
        hours=3,
        target_groups=["citizens"],
    )


def make_class(tree, course, *, starts_in=datetime.timedelta(minutes=-10), **fields):
    starts_at = timezone.now() + starts_in
    values = {
        "course": course,
        "organiser": tree.hoalu,
        "host": tree.hoalu,
        "province": tree.province,
        "venue": "Hội trường UBND phường Hoa Lư",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=2),
        "status": ClassSession.Status.OPEN,
    }
    values.update(fields)
    return ClassSession.objects.create(**values)


@pytest.fixture
def session(tree, course):
    return make_class(tree, course)


def person(tree, name="Nguyễn Thị Hoa", year=1968, **fields) -> PersonInput:
    values = {"name": name, "birth_year": year, "commune_id": tree.hoalu.pk}
    values.update(fields)
    return PersonInput(**values)


def walk_in(tree, status="present", **fields) -> Mark:
    return Mark(id=uuid.uuid4(), status=status, person=person(tree, **fields))
