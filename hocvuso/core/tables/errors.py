"""What a refused table says: every problem, each with the line a person sees in their
spreadsheet (the header is line 1; line 0 is the file as a whole)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        if self.line == 0:
            return self.message
        return _("Dòng %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class ImportRejected(Exception):
    """The file cannot be imported; ``errors`` lists every reason, by line."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = sorted(errors, key=lambda e: e.line)


def rejected(message: str, line: int = 0) -> ImportRejected:
    """A rejection with one reason."""
    return ImportRejected([RowError(line, message)])
