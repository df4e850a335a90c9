from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from hocvuso.orgunits.importers import TEMPLATE_HEADERS


def import_template_xlsx() -> bytes:
    """The blank unit-import workbook: the header row and two example villages."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Don vi"
    sheet.append(TEMPLATE_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["", "Thôn Đông", "Thôn", "", "", "", "", 2026, 820, 310])
    sheet.append(["", "Tổ dân phố số 1", "Tổ dân phố", "", "", "", "", 2026, 640, 250])
    for column, width in zip("ABCDEFGHIJ", (12, 32, 16, 20, 16, 16, 24, 8, 22, 10), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
