"""What the campaign's owner sees: units by channel against expectations, the silent units,
the weekly trend, the gallery, the hashtag's use, exports and the directive's report."""

from __future__ import annotations
