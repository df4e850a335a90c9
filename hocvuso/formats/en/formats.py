# The English interface keeps Vietnamese day-first dates: the documents it mirrors use them.
from __future__ import annotations

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
