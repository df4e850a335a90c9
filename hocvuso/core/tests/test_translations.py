from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings

MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


def test_every_string_has_an_english_translation():
    po = polib.pofile(str(MESSAGES / "django.po"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_source():
    def pairs(catalogue: polib._BaseFile) -> set[tuple[str, str]]:
        return {(e.msgid, e.msgstr or str(e.msgstr_plural)) for e in catalogue if e.msgid}

    po = polib.pofile(str(MESSAGES / "django.po"))
    mo = polib.mofile(str(MESSAGES / "django.mo"))
    assert pairs(po) == pairs(mo), "run: cd hocvuso && hocvuso compilemessages"


def test_english_interface_when_chosen(client, coordinator):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/").content.decode()
    assert "Hello, Coordinator" in page
    assert "Log out" in page
    assert "Đăng xuất" not in page
