from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from hocvuso.core.tables.text import clean_typed


def attach_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class CleanTextMixin:
    """What a person types is stored without control characters: a line break pasted from Word
    (``\\x0b``) or a bell (``\\x07``) would otherwise reach exports, other people's phones and
    the audit trail. A NUL is refused before this runs, by Django's own validator on every
    ``CharField``. Every form of the project inherits this (``Form``, ``ModelForm``)."""

    def _clean_fields(self) -> None:
        super()._clean_fields()  # type: ignore[misc]
        cleaned = self.cleaned_data  # type: ignore[attr-defined]
        for name, value in list(cleaned.items()):
            field = self.fields.get(name)  # type: ignore[attr-defined]
            # strip=False marks text kept exactly as typed: passwords.
            if isinstance(value, str) and getattr(field, "strip", False):
                cleaned[name] = clean_typed(value)
                # Nothing but control characters is nothing typed.
                if value and not cleaned[name] and field.required:
                    del cleaned[name]
                    self.add_error(name, field.error_messages["required"])  # type: ignore[attr-defined]


class Form(CleanTextMixin, forms.Form):
    pass


class ModelForm(CleanTextMixin, forms.ModelForm):
    pass
