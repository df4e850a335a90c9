"""Issue 13: Django's own messages that its vi catalogue leaves in English reach people in
Vietnamese too (``hocvuso/locale_overrides``)."""

from __future__ import annotations

from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import CharField, UUIDField

OVERRIDES = Path(settings.BASE_DIR) / "locale_overrides" / "vi" / "LC_MESSAGES"
DJANGO_VI = Path(django.__file__).parent / "conf" / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_a_nul_in_a_form_field_is_refused_in_vietnamese(client, db):
    response = client.post("/login/", {"username": "hoa\x00lu", "password": "x"})
    page = response.content.decode()
    assert "Không được chứa ký tự rỗng (NUL)." in page
    assert "Null characters" not in page


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (CharField(), "a\x00", "Không được chứa ký tự rỗng (NUL)."),
        (UUIDField(), "x", "Nhập một mã UUID hợp lệ."),
    ],
)
def test_form_fields_speak_vietnamese(field, value, expected):
    with pytest.raises(ValidationError) as refused:
        field.clean(value)
    assert refused.value.messages == [expected]


def test_every_override_is_still_a_django_message_and_compiled():
    django_ids = {e.msgid for e in polib.pofile(str(DJANGO_VI))}
    po = polib.pofile(str(OVERRIDES / "django.po"))
    assert {e.msgid for e in po} <= django_ids, "a Django upgrade renamed a message"
    assert all(e.translated() for e in po)

    def pairs(catalogue: polib._BaseFile) -> set[tuple[str, str]]:
        return {(e.msgid, e.msgstr or str(e.msgstr_plural)) for e in catalogue if e.msgid}

    assert pairs(po) == pairs(polib.mofile(str(OVERRIDES / "django.mo")))
