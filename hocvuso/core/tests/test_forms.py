"""Issue 13: text typed into any form is stored without control characters, and a NUL is
refused in Vietnamese — through every form of the project, not a list of them."""

from __future__ import annotations

import importlib

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse

from hocvuso.core.forms import CleanTextMixin
from hocvuso.orgunits.models import OrgUnit


def _project_forms() -> list[type[forms.BaseForm]]:
    for config in apps.get_app_configs():
        if config.name.startswith("hocvuso."):
            for module in ("forms", "admin", "views"):
                try:
                    importlib.import_module(f"{config.name}.{module}")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.{module}":
                        raise
    found, todo = [], [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("hocvuso."):
                found.append(sub)
    return found


def test_every_form_of_the_project_cleans_what_is_typed():
    project_forms = _project_forms()
    assert len(project_forms) > 30
    missing = [
        f"{f.__module__}.{f.__name__}" for f in project_forms if not issubclass(f, CleanTextMixin)
    ]
    assert not missing, f"forms that keep control characters: {missing}"


@pytest.mark.parametrize("typed", ["Thôn\x0bMới", "Thôn\x07 Mới", "Thôn\x1b[31m Mới"])
def test_control_characters_typed_in_a_form_are_not_stored(client, coordinator, tree, typed):
    client.force_login(coordinator)
    response = client.post(
        reverse("orgunits:add_child", args=[tree.hoalu.pk]), {"name": typed, "kind": "village"}
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(name__startswith="Thôn", name__endswith="Mới")
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in unit.name)


def test_a_nul_typed_in_a_form_is_refused_in_vietnamese(client, coordinator, tree):
    client.force_login(coordinator)
    response = client.post(
        reverse("orgunits:add_child", args=[tree.hoalu.pk]),
        {"name": "Thôn\x00Mới", "kind": "village"},
    )
    assert response.status_code == 200
    assert "NUL" in response.text
    assert "Null characters" not in response.text
    assert not OrgUnit.objects.filter(name__startswith="Thôn", name__endswith="Mới").exists()


def test_a_password_is_kept_exactly_as_typed():
    class PasswordForm(CleanTextMixin, forms.Form):
        password = forms.CharField(strip=False)

    typed = " a\x07b "
    form = PasswordForm({"password": typed})
    assert form.is_valid()
    assert form.cleaned_data["password"] == typed


def test_a_required_field_typed_as_only_control_characters_is_refused(client, coordinator, tree):
    client.force_login(coordinator)
    response = client.post(
        reverse("orgunits:add_child", args=[tree.hoalu.pk]),
        {"name": "\x07\x0b ", "kind": "village"},
    )
    assert response.status_code == 200
    assert "bắt buộc" in response.text
    assert not OrgUnit.objects.filter(name="").exists()
