"""Read a plan document into a draft (see docs/plan-import.md for the format).

draft = read_plan(data, "ke-hoach.pdf")   # raises PlanImportError with a clear message
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hocvuso.plans.importer.ceremony import ceremony_warnings, read_ceremony_extras
from hocvuso.plans.importer.extract import MAX_BYTES, PlanImportError, check_size, extract_text
from hocvuso.plans.importer.grammar import read_draft
from hocvuso.plans.importer.structure import split_document

__all__ = ["MAX_BYTES", "PlanImportError", "check_size", "parse_text", "read_plan"]


def parse_text(text: str, *, paragraphs_known: bool = False) -> dict[str, Any]:
    """The draft a plan's text gives; refuses a text that has none of a plan's parts."""
    document = split_document(text, paragraphs_known=paragraphs_known)
    draft = read_draft(document)
    if draft["event"] is not None:  # the duties and the closing say more about a ceremony
        draft["event"].update(read_ceremony_extras(document, draft))
    parts = sum(
        bool(x)
        for x in (
            draft["title"],
            draft["purposes"] or draft["requirements"],
            draft["tasks"] or draft["activities"],
            draft["legal_bases"],
            draft["signer_title"] or draft["recipients"],
        )
    )
    if parts < 2:
        raise PlanImportError(
            _(
                "Văn bản này không giống một kế hoạch: không thấy trích yếu, mục đích, "
                "nhiệm vụ hay nơi nhận. Hãy kiểm tra lại tệp."
            )
        )
    draft["warnings"] = _warnings(draft)
    draft["source_text"] = text
    return draft


def read_plan(data: bytes, filename: str) -> dict[str, Any]:
    text = extract_text(data, filename)
    # A Word paragraph or an HTML block is one line: no line is a wrap to join.
    known = filename.lower().endswith((".docx", ".html", ".htm"))
    return parse_text(text, paragraphs_known=known)


def _warnings(draft: dict[str, Any]) -> list[str]:
    warnings = []
    if not draft["title"]:
        warnings.append(_("Không tìm thấy trích yếu (tên kế hoạch)."))
    if not draft["tasks"]:
        warnings.append(_("Không tìm thấy nhiệm vụ của đơn vị nào (mục “Tổ chức thực hiện”)."))
    if not draft["signer_name"]:
        warnings.append(_("Không tìm thấy người ký."))
    return warnings + ceremony_warnings(draft)
