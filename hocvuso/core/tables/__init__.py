"""Tables in and out, for every import and export of every app.

Reading (``read_table``, ``iter_table``): one size limit per upload kind (``LIMITS``),
spreadsheet bombs refused before calamine loads them (``check_zip_bounds``), encodings
detected, control characters dropped. Header mapping (``map_columns``) and numbers
(``parse_number``) by one function each, with the same Vietnamese messages everywhere.
Problems are ``RowError``s gathered in an ``ImportRejected``. Writing: write-only .xlsx
(``new_workbook``, ``Sheet``, ``TableSheet``, ``xlsx_table``) and CSV (``csv_chunks``),
formulas and illegal characters neutralised.
"""

from __future__ import annotations

from hocvuso.core.tables.columns import UNKNOWN, Unknown, map_columns, missing_columns
from hocvuso.core.tables.errors import ImportRejected, RowError, rejected
from hocvuso.core.tables.numbers import MAX_INTEGER, MAX_NUMBER, NumberError, parse_number
from hocvuso.core.tables.reading import (
    CSV_SUFFIXES,
    LIMITS,
    SPREADSHEET_SUFFIXES,
    Limits,
    cell_text,
    check_size,
    check_zip_bounds,
    detect_encoding,
    iter_table,
    limits_for,
    read_table,
    row_errors_note,
)
from hocvuso.core.tables.text import clean_cell, fold, is_formula_like, safe_text

__all__ = [
    "CSV_SUFFIXES",
    "LIMITS",
    "MAX_INTEGER",
    "MAX_NUMBER",
    "SPREADSHEET_SUFFIXES",
    "UNKNOWN",
    "ImportRejected",
    "Limits",
    "NumberError",
    "RowError",
    "Unknown",
    "cell_text",
    "check_size",
    "check_zip_bounds",
    "clean_cell",
    "detect_encoding",
    "fold",
    "is_formula_like",
    "iter_table",
    "limits_for",
    "map_columns",
    "missing_columns",
    "parse_number",
    "read_table",
    "rejected",
    "row_errors_note",
    "safe_text",
]
