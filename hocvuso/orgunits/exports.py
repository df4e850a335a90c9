from __future__ import annotations

from openpyxl.styles import Font

from hocvuso.core.tables.writing import Sheet, new_workbook, workbook_bytes
from hocvuso.orgunits.importers import TEMPLATE_HEADERS


def import_template_xlsx() -> bytes:
    """The blank unit-import workbook: the header row and two example villages."""
    workbook = new_workbook()
    sheet = Sheet(workbook, "Don vi", widths=(12, 32, 16, 20, 16, 16, 24, 8, 22, 10))
    sheet.append([sheet.cell(title, font=Font(bold=True)) for title in TEMPLATE_HEADERS])
    sheet.append(["", "Thôn Đông", "Thôn", "", "", "", "", 2026, 820, 310])
    sheet.append(["", "Tổ dân phố số 1", "Tổ dân phố", "", "", "", "", 2026, 640, 250])
    return workbook_bytes(workbook)
