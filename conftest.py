"""Personas and the small unit tree every test builds on (STYLE rule 17).

Tree (one province, two communes each with a village, one agency):

    Tỉnh Ninh Bình (37)
    ├── Phường Hoa Lư (14329) ── Tổ dân phố số 1
    ├── Phường Nam Hoa Lư (14359) ── Thôn Đông
    └── Sở Khoa học và Công nghệ
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from hocvuso.core.roles import Role

PASSWORD = "persona-password-1"


@dataclass
class Tree:
    province: object
    hoalu: object
    hoalu_village: object
    namhoalu: object
    namhoalu_village: object
    agency: object


@pytest.fixture
def tree(db: None) -> Tree:
    from hocvuso.orgunits.models import OrgUnit
    from hocvuso.orgunits.services import create_unit

    province = create_unit(
        actor=None, parent=None, name="Tỉnh Ninh Bình", kind="province", code="37"
    )
    hoalu = create_unit(
        actor=None, parent=province, name="Phường Hoa Lư", kind="commune", code="14329"
    )
    namhoalu = create_unit(
        actor=None, parent=province, name="Phường Nam Hoa Lư", kind="commune", code="14359"
    )
    agency = create_unit(
        actor=None,
        parent=province,
        name="Sở Khoa học và Công nghệ",
        kind="agency",
        abbreviation="Sở KH&CN",
        code="NB-SKHCN",
    )
    hoalu_village = create_unit(
        actor=None, parent=hoalu, name="Tổ dân phố số 1", kind=OrgUnit.Kind.VILLAGE
    )
    namhoalu_village = create_unit(
        actor=None, parent=namhoalu, name="Thôn Đông", kind=OrgUnit.Kind.VILLAGE
    )
    return Tree(province, hoalu, hoalu_village, namhoalu, namhoalu_village, agency)


def make_person(username: str, role: str, unit: object) -> object:
    from hocvuso.accounts.services import create_user

    return create_user(
        actor=None,
        username=username,
        password=PASSWORD,
        email=f"{username}@example.com",
        full_name=username.title(),
        unit=unit,
        role=role,
    )


@pytest.fixture
def administrator(tree: Tree) -> object:
    return make_person("administrator", Role.ADMINISTRATOR, tree.province)


@pytest.fixture
def coordinator(tree: Tree) -> object:
    return make_person("coordinator", Role.COORDINATOR, tree.province)


@pytest.fixture
def hoalu_focal_point(tree: Tree) -> object:
    return make_person("hoalu", Role.FOCAL_POINT, tree.hoalu)


@pytest.fixture
def other_commune_focal_point(tree: Tree) -> object:
    return make_person("namhoalu", Role.FOCAL_POINT, tree.namhoalu)


@pytest.fixture
def team_member(tree: Tree) -> object:
    return make_person("teammember", Role.TEAM_MEMBER, tree.hoalu_village)


@pytest.fixture
def viewer(tree: Tree) -> object:
    return make_person("viewer", Role.VIEWER, tree.province)


@pytest.fixture(autouse=True)
def _fast_hashing(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that reaches beyond this machine (Zulip's "network independence")."""
    real_connect = socket.socket.connect

    def guarded(sock: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host in {"localhost", "::1"} or host.startswith("127.") or host.startswith("/")
        ):
            raise RuntimeError(f"test tried to reach {host!r}; tests must stay on loopback")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _vietnamese(settings: object) -> Iterator[None]:
    """Each test starts in Vietnamese: a request activating English must not leak into the next."""
    from django.utils import translation

    with translation.override("vi"):
        yield


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_real_email(settings: object) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings: object) -> None:
    """Jobs run as soon as they are enqueued (after the commit that enqueues them), as the
    worker would; a test of the queue itself sets the database backend back."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _api_allowances(settings: object) -> None:
    """API rate limits no test reaches: the allowances count in a cache shared by the whole
    run, where users of different tests share ids. Throttling tests set their own."""
    settings.API_RATE_LIMIT = "100000/m"
    settings.API_ANON_RATE_LIMIT = "100000/m"
    settings.LEARN_REGISTER_RATE_LIMIT = "100000/m"
    settings.LEARN_VERIFY_RATE_LIMIT = "100000/m"


@pytest.fixture(scope="session", autouse=True)
def _drop_stray_connections(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """End connections other threads left on the test database before it is dropped.

    Request threads of the browser tests' live server can still hold an idle PostgreSQL
    session when the suite ends, and PostgreSQL refuses to drop a database in use.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
