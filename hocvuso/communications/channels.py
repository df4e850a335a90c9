"""The channels seed 004 names, shipped with the app (editable afterwards: names, order,
domains — a province adds its own newspaper's and television's domains). Plain data, read by
the data migration that installs them."""

from __future__ import annotations

# (code, name, family, domains)
CHANNELS = [
    ("newspaper", "Báo in, báo điện tử", "press", ""),
    ("television", "Truyền hình", "press", ""),
    ("radio", "Phát thanh", "press", ""),
    ("portal", "Cổng, trang thông tin điện tử", "portal", "gov.vn"),
    ("facebook", "Facebook", "social", "facebook.com fb.com fb.watch"),
    ("zalo", "Zalo", "social", "zalo.me zaloapp.com"),
    ("youtube", "YouTube", "social", "youtube.com youtu.be"),
    ("tiktok", "TikTok", "social", "tiktok.com"),
    ("x", "X (Twitter)", "social", "x.com twitter.com"),
    ("vcnet", "VCNET", "social", "vcnet.vn"),
    ("loudspeaker", "Hệ thống loa truyền thanh cơ sở", "grassroots", ""),
    ("banner", "Băng-rôn, pa-nô, áp phích", "visual", ""),
    ("led", "Bảng điện tử, màn hình LED", "visual", ""),
    ("meeting", "Hội nghị, lớp bồi dưỡng, sinh hoạt", "meeting", ""),
    ("other", "Khác", "other", ""),
]


def install(channel_model: type) -> None:
    """Add the channels missing from ``channel_model`` (the data migration's historical model,
    or the real one where a test's database was flushed), leaving edited ones as they are."""
    for position, (code, name, family, domains) in enumerate(CHANNELS):
        channel_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "family": family, "domains": domains, "position": position},
        )
