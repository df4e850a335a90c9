"""Communications in the demo: seed 003's media campaign (Sở KH&CN, 01-30/10/2025, its own
slogan) and seed 004's directive (Sở VH&TT, 01/10-30/11/2025, to the press and every commune:
its hashtags, the key messages of its section 1, the channels of its section 2) as published
campaigns with targets and expected outputs; then Báo và PT-TH's articles, broadcasts and
posts, the four Hoa Lư wards' outputs and some other communes', banners with their photos —
each through ``log_output``, the one write of an output.

The windows are the seeds' own, so outputs are dated inside them and never after today:
loaded during a window, the demo holds what was logged so far. Some communes are silent on
purpose: most of those never logged anything, a few stopped three weeks before the window's
end (or today), so both kinds of silence show.

Idempotent: a campaign is found by its title; each output's id is made from its place in the
plan, so a second run logs only what is new (the days passed since, during a window). Every
row is ``is_demo``. The links are invented, on the real addresses of the press and platforms.
The expected outputs are the demo's: neither seed puts numbers on them.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import functools
import io
import random
import textwrap
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from hocvuso.accounts.models import RoleAssignment, User
from hocvuso.communications.channels import CHANNELS
from hocvuso.communications.models import Campaign, Channel, Expectation, Output
from hocvuso.communications.services import (
    ExpectationInput,
    OutputInput,
    TargetInput,
    add_resource,
    create_campaign,
    log_output,
    publish_campaign,
    set_targets,
)
from hocvuso.core.models import AuditLog
from hocvuso.core.roles import Role
from hocvuso.core.services import record_audit
from hocvuso.core.tables.text import fold
from hocvuso.core.uploads import PHOTO, CheckedUpload, check_upload
from hocvuso.demo.data import HOA_LU_WARDS
from hocvuso.orgunits.models import OrgUnit, UnitGroup

D = datetime.date
DAY = datetime.timedelta(days=1)

# Seed 003, III.1: the campaign is the plan's first activity, and its title is its slogan.
MEDIA_SLOGAN = "Chuyển đổi số: nhanh hơn, hiệu quả hơn, gần dân hơn"
MEDIA_TITLE = f"Chiến dịch truyền thông “{MEDIA_SLOGAN}”"
MEDIA_WINDOW = (D(2025, 10, 1), D(2025, 10, 30))
DIRECTIVE_TITLE = (
    "Tuyên truyền thực hiện Phong trào “Bình dân học vụ số” và hưởng ứng Ngày Chuyển đổi số "
    "Quốc gia năm 2025"
)
DIRECTIVE_WINDOW = (D(2025, 10, 1), D(2025, 11, 30))
DIRECTIVE_HASHTAGS = "#BinhDanHocVuSo #ChuyenDoiSo #NgayChuyenDoiSoQuocGia"
DIRECTIVE_SLOGANS = [
    "Hưởng ứng Phong trào “Bình dân học vụ số”",
    "Không ai bị bỏ lại phía sau trong tiến trình chuyển đổi số",
    MEDIA_SLOGAN,
]
# Seed 004, section 1.
DIRECTIVE_MESSAGES = [
    "Phong trào “Bình dân học vụ số” là chủ trương lớn của Đảng, Nhà nước, giải pháp trọng "
    "tâm để phổ cập tri thức cơ bản về chuyển đổi số, kỹ năng số cho người dân, hướng tới xây "
    "dựng xã hội học tập số.",
    "Tự học, tự rèn luyện kỹ năng số, nâng cao năng lực số của mỗi cán bộ, đảng viên và người "
    "dân; không ai bị bỏ lại phía sau trong tiến trình chuyển đổi số.",
    "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị; Kế hoạch số 01-KH/BCĐTW ngày "
    "21/3/2025 của Ban Chỉ đạo Trung ương; Kế hoạch số 15-KH/TU, số 03-KH/BCĐ và số "
    "89/KH-UBND của tỉnh.",
    "Học tập trên binhdanhocvuso.gov.vn, chuyendoiso.mobiedu.vn, onetouch.mic.gov.vn và nền "
    "tảng MOOCS “Bình dân học vụ số”.",
    "Mạng lưới “Đại sứ số”, Phong trào “Gia đình số”, Mô hình “Chợ số - Nông thôn số”, "
    "“Mỗi công dân - Một danh tính số”, “Tổ công nghệ số cộng đồng”, Chiến dịch “Thanh niên "
    "chung tay phổ cập kỹ năng số”.",
    "Cán bộ, công chức, viên chức, người lao động, học sinh, sinh viên tham gia các lớp bồi "
    "dưỡng, tập huấn phổ cập tri thức về chuyển đổi số, kỹ năng số.",
]
# Seed 004, section 2.
DIRECTIVE_CHANNELS = (
    "Phương tiện thông tin đại chúng, Cổng/Trang thông tin điện tử và mạng xã hội (Facebook, "
    "Zalo, YouTube, TikTok, Twitter, VCNET…); lớp bồi dưỡng, hội nghị, hội thảo, tọa đàm, sinh "
    "hoạt thường kỳ, với đội ngũ báo cáo viên, tuyên truyền viên cơ sở; cổ động trực quan trên "
    "pa-nô, áp phích, băng-rôn, bảng điện tử, màn hình LED tại trụ sở các cơ quan, đơn vị và "
    "nơi công cộng."
)
DIRECTIVE_RESOURCES = [
    ("Nền tảng “Bình dân học vụ số”", "https://binhdanhocvuso.gov.vn/"),
    ("Tài liệu chuyển đổi số (MobiEdu)", "https://chuyendoiso.mobiedu.vn/"),
    ("Cẩm nang chuyển đổi số (OneTouch)", "https://onetouch.mic.gov.vn/"),
]
# The province's press, for recognising a pasted link: Ninh Bình's, so the demo adds them
# (another province has other newspapers; the migration ships none).
PRESS_DOMAINS = {"newspaper": ("baoninhbinh.org.vn",), "television": ("nbtv.vn",)}
# The communes that stopped logging did so this long before the window's end (or today):
# silent "in the last two weeks" whichever day the demo is loaded.
QUIET_DAYS = 21
_IDS = uuid.UUID("0b6f3f3e-2f4c-4f0e-9d7a-5c1e8a3b9d21")

PRESS_TITLES = [
    "Ninh Bình triển khai Phong trào “Bình dân học vụ số”",
    "Ngày Chuyển đổi số Quốc gia 10/10: nhanh hơn, hiệu quả hơn, gần dân hơn",
    "Tổ công nghệ số cộng đồng đi từng ngõ, gõ từng nhà",
    "Người cao tuổi học dùng VNeID và dịch vụ công trực tuyến",
    "Đưa sản phẩm OCOP lên sàn thương mại điện tử",
    "Chợ số ở làng quê: quét mã QR thay tiền mặt",
    "Học kỹ năng số trên nền tảng binhdanhocvuso.gov.vn",
    "Chính quyền hai cấp: dịch vụ công trực tuyến gần dân hơn",
    "Đoàn viên thanh niên chung tay phổ cập kỹ năng số",
    "Cán bộ, công chức học kỹ năng số và AI cơ bản",
    "Không ai bị bỏ lại phía sau trong tiến trình chuyển đổi số",
    "Mô hình “Gia đình số”: cả nhà cùng học kỹ năng số",
    "Nhận biết cuộc gọi lừa đảo, tự bảo vệ trên không gian mạng",
    "Mạng lưới “Đại sứ số” lan tỏa kỹ năng số đến từng khu dân cư",
]
POST_TITLES = [
    "Cùng học kỹ năng số trên nền tảng “Bình dân học vụ số”",
    "Hướng dẫn kích hoạt tài khoản định danh điện tử VNeID mức 2",
    "Tổ công nghệ số cộng đồng hướng dẫn người dân nộp hồ sơ trực tuyến",
    "Thanh toán không dùng tiền mặt tại chợ: quét mã QR",
    "Cảnh giác với cuộc gọi giả danh cơ quan nhà nước",
    "Mỗi công dân - Một danh tính số",
    "Phong trào “Gia đình số” ở khu dân cư",
    "Lớp học kỹ năng số cho người dân tại nhà văn hóa",
]
MEDIA_TITLES = [
    "Chuyển đổi số: nhanh hơn, hiệu quả hơn, gần dân hơn",
    "Dịch vụ công trực tuyến trong mô hình chính quyền hai cấp",
    "Lợi ích của việc nộp hồ sơ trực tuyến: không phải đi lại, biết ngay kết quả",
    "Cách làm hay về cung cấp dịch vụ công trực tuyến ở cấp xã",
    "Chuyển đổi số toàn dân, toàn diện, toàn trình",
]


def load_demo_communications(province: OrgUnit, wards: list[OrgUnit]) -> None:
    _ensure_channels()
    _press_domains()
    channels = {c.code: c for c in Channel.objects.all()}
    orgs = {u.code: u for u in OrgUnit.objects.filter(code__startswith="NB-")}
    users = {u.username: u for u in User.objects.filter(username__in=["svhtt", "skhcn"])}
    groups = {g.slug: g for g in UnitGroup.objects.all()}
    media = _campaign(
        owner=orgs["NB-SKHCN"],
        actor=users.get("skhcn"),
        title=MEDIA_TITLE,
        window=MEDIA_WINDOW,
        targets=_media_targets(channels, groups),
        resources=[],
        hashtags="#ChuyenDoiSo #NgayChuyenDoiSoQuocGia",
        slogans=MEDIA_SLOGAN,
        key_messages="Chuyển đổi số toàn dân, toàn diện, toàn trình để tăng tốc, bứt phá phát "
        "triển kinh tế số.\nÝ nghĩa của mô hình chính quyền 02 cấp giúp người dân thực hiện "
        "dịch vụ công trực tuyến thuận tiện hơn; lợi ích của dịch vụ công trực tuyến.\nCác mô "
        "hình, bài học, cách làm hay, sáng tạo về cung cấp dịch vụ công trực tuyến.",
        description="Tin, bài viết, phóng sự, video clip, chương trình truyền hình trên các cơ "
        "quan báo chí, Báo và Phát thanh, Truyền hình tỉnh, hệ thống thông tin cơ sở, Cổng "
        "Thông tin điện tử tỉnh, cổng/trang thông tin điện tử các cơ quan nhà nước và các nền "
        "tảng mạng xã hội phổ biến.",
        activity=_media_activity(),
    )
    directive = _campaign(
        owner=orgs["NB-SVHTT"],
        actor=users.get("svhtt"),
        title=DIRECTIVE_TITLE,
        window=DIRECTIVE_WINDOW,
        targets=_directive_targets(channels),
        resources=DIRECTIVE_RESOURCES,
        hashtags=DIRECTIVE_HASHTAGS,
        slogans="\n".join(DIRECTIVE_SLOGANS),
        key_messages="\n".join(DIRECTIVE_MESSAGES),
        description=f"Gửi các cơ quan báo chí của tỉnh và UBND các xã, phường.\n"
        f"Hình thức: {DIRECTIVE_CHANNELS}",
    )
    by_name = {w.name: w for w in wards}
    hoa_lu = [by_name[n] for n in HOA_LU_WARDS if n in by_name]
    active, quiet = _other_communes(province, hoa_lu)
    actors = _focal_points()
    plan = _Plan(channels)
    _media_plan(plan, orgs, hoa_lu, active[:10])
    _log(media, plan.rows, actors)
    plan = _Plan(channels)
    _directive_plan(plan, orgs, hoa_lu, active, quiet)
    _log(directive, plan.rows, actors)


# --- The campaigns


def _ensure_channels() -> None:
    """The migration's channels, again when a test database was flushed of them."""
    if Channel.objects.exists():
        return
    Channel.objects.bulk_create(
        Channel(code=code, name=name, family=family, domains=domains, position=n)
        for n, (code, name, family, domains) in enumerate(CHANNELS)
    )


def _press_domains() -> None:
    for code, domains in PRESS_DOMAINS.items():
        channel = Channel.objects.filter(code=code).first()
        if channel is None:
            continue
        have = channel.domain_list()
        missing = [d for d in domains if d not in have]
        if missing:
            before = channel.domains
            channel.domains = "\n".join([*have, *missing])
            channel.save(update_fields=["domains"])
            record_audit(
                actor=None,
                action=AuditLog.Action.UPDATE,
                obj=channel,
                changes={"domains": [before, channel.domains]},
            )


def _media_activity():
    from hocvuso.demo.plans import TITLE
    from hocvuso.plans.models import Activity

    return Activity.objects.filter(plan__title=TITLE, title=MEDIA_TITLE).first()


def _campaign(
    *,
    owner: OrgUnit,
    actor: User | None,
    title: str,
    window: tuple[datetime.date, datetime.date],
    targets: list[TargetInput],
    resources: list[tuple[str, str]],
    **fields: object,
) -> Campaign:
    campaign = Campaign.objects.filter(title=title, is_demo=True).first()
    if campaign is not None:
        return campaign
    campaign = create_campaign(
        actor=actor,
        owner=owner,
        title=title,
        starts_on=window[0],
        ends_on=window[1],
        is_demo=True,
        **fields,
    )
    set_targets(actor=actor, campaign=campaign, targets=targets)
    for name, url in resources:
        add_resource(actor=actor, campaign=campaign, title=name, url=url)
    return publish_campaign(actor=actor, campaign=campaign)


def _expect(
    channels: dict[str, Channel], code: str, quantity: int, per: str = Expectation.Per.WINDOW
) -> ExpectationInput:
    return ExpectationInput(channels[code], quantity, per)


def _media_targets(channels: dict[str, Channel], groups: dict[str, UnitGroup]) -> list[TargetInput]:
    e = functools.partial(_expect, channels)
    week = Expectation.Per.WEEK
    targets = [
        TargetInput(unit_kind="press", expectations=[e("newspaper", 4), e("television", 2)]),
        TargetInput(unit_kind="commune", expectations=[e("loudspeaker", 1, week), e("portal", 1)]),
    ]
    # Seed 003, III.1's partners: the departments, and the telecoms that hang banners (V.5).
    if "so-ban-nganh" in groups:
        targets.append(TargetInput(group=groups["so-ban-nganh"], expectations=[e("portal", 1)]))
    if "doanh-nghiep-vien-thong" in groups:
        targets.append(
            TargetInput(group=groups["doanh-nghiep-vien-thong"], expectations=[e("banner", 1)])
        )
    return targets


def _directive_targets(channels: dict[str, Channel]) -> list[TargetInput]:
    e = functools.partial(_expect, channels)
    week, month = Expectation.Per.WEEK, Expectation.Per.MONTH
    return [
        TargetInput(
            unit_kind="press",
            expectations=[
                e("newspaper", 4, month),
                e("television", 2, month),
                e("facebook", 4, month),
            ],
        ),
        TargetInput(
            unit_kind="commune",
            expectations=[
                e("loudspeaker", 1, week),
                e("portal", 2, month),
                e("facebook", 2, month),
                e("meeting", 1, month),
                e("banner", 2),
            ],
        ),
    ]


# --- Who logged what


def _other_communes(
    province: OrgUnit, hoa_lu: list[OrgUnit]
) -> tuple[list[OrgUnit], list[OrgUnit]]:
    """The communes outside Hoa Lư that logged (about two in five) and those that stopped
    early (one in ten); the others stayed silent."""
    communes = list(
        OrgUnit.objects.filter(
            path__startswith=province.path, depth=province.depth + 1, kind=OrgUnit.Kind.COMMUNE
        )
        .exclude(pk__in=[w.pk for w in hoa_lu])
        .order_by("code", "pk")
    )
    random.Random(3704).shuffle(communes)  # noqa: S311 — demo figures, not secrets
    n_active, n_quiet = len(communes) * 2 // 5, max(1, len(communes) // 10)
    return communes[:n_active], communes[n_active : n_active + n_quiet]


def _focal_points() -> dict[int, User]:
    """The unit's own focal point logs its outputs; units without one are logged for by
    nobody in particular (``actor=None``), as an import by the coordinator would be."""
    found: dict[int, User] = {}
    for assignment in RoleAssignment.objects.filter(
        role=Role.FOCAL_POINT, user__is_active=True, user__is_demo=True
    ).select_related("user"):
        found.setdefault(assignment.unit_id, assignment.user)
    return found


@dataclass
class _Row:
    id: uuid.UUID
    unit: OrgUnit
    data: OutputInput
    photo: str = ""  # the slogan a banner's or a screen's photo shows
    led: bool = False
    via: str = Output.Via.FORM
    stops_before: int = 0  # logged only if this many days before the window's end (or today)


class _Plan:
    """The outputs a campaign's units log, over the whole window whatever today is (so a
    later run finds the same ids); :func:`_log` keeps those dated up to today."""

    def __init__(self, channels: dict[str, Channel]) -> None:
        self.channels = channels
        self.rows: list[_Row] = []
        self.keys: set[str] = set()

    def add(
        self,
        unit: OrgUnit,
        key: str,
        *,
        title: str,
        day: datetime.date,
        channel: str = "",
        url: str = "",
        photo: str = "",
        led: bool = False,
        via: str = Output.Via.FORM,
        stops_before: int = 0,
        **fields: object,
    ) -> None:
        key = f"{unit.code or unit.pk}:{key}"
        if key in self.keys:  # two rows would share an id: the second would never be logged
            raise ValueError(key)
        self.keys.add(key)
        data = OutputInput(
            title=title,
            published_on=day,
            channel=self.channels[channel] if channel else None,
            url=url.format(ref=_ref(key), video=_video(key)),
            **fields,
        )
        self.rows.append(_Row(uuid.uuid5(_IDS, key), unit, data, photo, led, via, stops_before))


def _ref(key: str) -> int:
    """A number for the invented link, the same on every run."""
    return uuid.uuid5(_IDS, "link:" + key).int % 10**15


def _video(key: str) -> str:
    return base64.urlsafe_b64encode(uuid.uuid5(_IDS, "video:" + key).bytes).decode()[:11]


def _slug(text: str) -> str:
    return slugify(fold(text))[:80].strip("-")


def _short(unit: OrgUnit) -> str:
    """ "Phường Đông Hoa Lư" → "donghoalu": the commune's portal and page addresses."""
    name = fold(unit.name)
    for prefix in ("phuong ", "xa ", "dac khu "):
        name = name.removeprefix(prefix)
    return slugify(name).replace("-", "") or str(unit.pk)


def _every(
    rng: random.Random, start: datetime.date, end: datetime.date, days: int
) -> Iterator[datetime.date]:
    """About every ``days`` days from near ``start`` to ``end``."""
    day = start + DAY * rng.randint(0, max(0, min(days - 1, (end - start).days)))
    while day <= end:
        yield day
        day += DAY * max(1, days + rng.randint(-2, 2))


def _press(plan: _Plan, press: OrgUnit, window, *, prefix: str, titles: list[str]) -> None:
    start, end = window
    rng = random.Random(f"{prefix}:press")  # noqa: S311
    for n, day in enumerate(_every(rng, start, end, 7)):
        title = titles[n % len(titles)]
        plan.add(
            press,
            f"{prefix}:news:{n}",
            title=title,
            day=day,
            # No channel: the newspaper's address names it, as on a phone.
            url=f"https://baoninhbinh.org.vn/{_slug(title)}-d{{ref}}.html",
            kind="news" if n % 3 == 0 else "article",
            views=rng.randint(800, 9000),
        )
    for n, day in enumerate(_every(rng, start + 2 * DAY, end, 12)):
        title = titles[(n + 5) % len(titles)]
        plan.add(
            press,
            f"{prefix}:tv:{n}",
            title=("Phóng sự: " if n % 2 else "") + title,
            day=day,
            url=f"https://nbtv.vn/tin-tuc/{_slug(title)}-{{ref}}.html",
            kind="feature" if n % 2 else "news",
            views=rng.randint(1500, 20000),
        )
        plan.add(
            press,
            f"{prefix}:radio:{n}",
            title=f"Chương trình phát thanh: {titles[(n + 2) % len(titles)]}",
            day=day + DAY,
            channel="radio",
            kind="broadcast",
        )
    for n, day in enumerate(_every(rng, start + DAY, end, 10)):
        plan.add(
            press,
            f"{prefix}:fb:{n}",
            title=titles[(n + 3) % len(titles)],
            day=day,
            channel="facebook",
            url="https://www.facebook.com/baoninhbinh/posts/{ref}",
            views=rng.randint(3000, 40000),
            shares=rng.randint(20, 600),
            hashtag_used=True,
        )
    for n, day in enumerate(_every(rng, start + 3 * DAY, end, 30)):
        plan.add(
            press,
            f"{prefix}:yt:{n}",
            title=f"Video: {titles[(n + 7) % len(titles)]}",
            day=day,
            channel="youtube",
            url="https://www.youtube.com/watch?v={video}",
            views=rng.randint(500, 12000),
            hashtag_used=True,
        )
        plan.add(
            press,
            f"{prefix}:tt:{n}",
            title=titles[(n + 9) % len(titles)],
            day=day + 2 * DAY,
            channel="tiktok",
            url="https://www.tiktok.com/@nbtv.vn/video/7{ref:018d}",
            views=rng.randint(5000, 90000),
            shares=rng.randint(50, 2000),
            hashtag_used=True,
        )


def _portal(plan: _Plan, unit: OrgUnit, key: str, day, title: str, host: str = "") -> None:
    host = host or f"{_short(unit)}.ninhbinh.gov.vn"
    plan.add(
        unit,
        key,
        title=title,
        day=day,
        url=f"https://{host}/tin-tuc/{_slug(title)}-{{ref}}",
    )


def _commune(
    plan: _Plan,
    unit: OrgUnit,
    window: tuple[datetime.date, datetime.date],
    *,
    prefix: str,
    slogans: list[str],
    keen: bool,
    stops_before: int = 0,
) -> None:
    """A commune's outputs. The keen ones (the Hoa Lư wards) log as they go: loudspeaker
    broadcasts every ten days or so, posts on their page, news on their portal, a banner with
    its photo, meetings, Zalo groups. The others log about monthly, as their paper reports
    did: a month's broadcasts as one output, and one more thing — a banner, a post or news."""
    start, end = window
    rng = random.Random(f"{prefix}:{unit.code or unit.pk}")  # noqa: S311
    phone = Output.Via.PHONE
    quiet = {"stops_before": stops_before}
    where = unit.name
    for n, day in enumerate(_every(rng, start + 6 * DAY, end, 10 if keen else 30)):
        plan.add(
            unit,
            f"{prefix}:loa:{n}",
            title=f"Phát tin, bài tuyên truyền trên hệ thống loa truyền thanh {where}",
            day=day,
            channel="loudspeaker",
            quantity=rng.randint(3, 6) if keen else rng.randint(8, 20),
            via=phone,
            **quiet,
        )
    extra = "all" if keen else rng.choice(["banner", "banner", "facebook", "portal"])
    if extra in ("all", "facebook"):
        for n, day in enumerate(_every(rng, start + DAY, end, 14 if keen else 60)):
            plan.add(
                unit,
                f"{prefix}:fb:{n}",
                title=POST_TITLES[(n + rng.randint(0, 7)) % len(POST_TITLES)],
                day=day,
                channel="facebook",
                url=f"https://www.facebook.com/ubnd.{_short(unit)}/posts/{{ref}}",
                views=rng.randint(150, 4000),
                shares=rng.randint(0, 120),
                hashtag_used=rng.random() < 0.7,
                via=phone,
                **quiet,
            )
    if extra in ("all", "portal"):
        for n, day in enumerate(_every(rng, start + 3 * DAY, end, 30 if keen else 60)):
            title = f"{where}: {POST_TITLES[(n + 2) % len(POST_TITLES)]}"
            plan.add(
                unit,
                f"{prefix}:portal:{n}",
                title=title,
                day=day,
                channel="portal",
                url=f"https://{_short(unit)}.ninhbinh.gov.vn/tin-tuc/{_slug(title)}-{{ref}}",
                **quiet,
            )
    if extra in ("all", "banner"):
        slogan = slogans[rng.randrange(len(slogans))]
        plan.add(
            unit,
            f"{prefix}:banner",
            title=f"Băng-rôn “{slogan}” tại trụ sở và các tuyến đường chính",
            day=start + DAY * rng.randint(1, 6),
            channel="banner",
            quantity=rng.randint(4, 12),
            photo=slogan,
            via=phone,
            **quiet,
        )
    if keen:
        for n, day in enumerate(_every(rng, start + 5 * DAY, end, 30)):
            plan.add(
                unit,
                f"{prefix}:meeting:{n}",
                title="Lồng ghép tuyên truyền Phong trào trong sinh hoạt các tổ dân phố",
                day=day,
                channel="meeting",
                quantity=8,
                attendees=rng.randint(120, 400),
            )
        plan.add(
            unit,
            f"{prefix}:zalo",
            title="Chia sẻ tài liệu hướng dẫn kỹ năng số trong các nhóm Zalo tổ dân phố",
            day=start + DAY * rng.randint(4, 12),
            channel="zalo",
            quantity=8,
            hashtag_used=True,
            via=phone,
        )


def _media_plan(plan: _Plan, orgs, hoa_lu: list[OrgUnit], communes: list[OrgUnit]) -> None:
    window = MEDIA_WINDOW
    start, _end = window
    if "NB-BPTTH" in orgs:
        _press(plan, orgs["NB-BPTTH"], window, prefix="media", titles=MEDIA_TITLES)
    if "NB-SKHCN" in orgs:
        science = orgs["NB-SKHCN"]
        for n, title in enumerate(MEDIA_TITLES[:3]):
            _portal(
                plan,
                science,
                f"media:portal:{n}",
                start + DAY * (2 + 9 * n),
                title,
                "skhcn.ninhbinh.gov.vn",
            )
    if "NB-VPUBND" in orgs:
        _portal(
            plan,
            orgs["NB-VPUBND"],
            "media:portal",
            D(2025, 10, 10),
            "Ninh Bình hưởng ứng Ngày Chuyển đổi số Quốc gia năm 2025",
            "ninhbinh.gov.vn",
        )
    if "NB-SVHTT" in orgs:
        _portal(
            plan,
            orgs["NB-SVHTT"],
            "media:portal",
            D(2025, 10, 8),
            "Tuyên truyền Ngày Chuyển đổi số Quốc gia trên hệ thống thông tin cơ sở",
            "svhtt.ninhbinh.gov.vn",
        )
    for code in ("NB-VIETTEL", "NB-VNPT"):
        if code in orgs:
            plan.add(
                orgs[code],
                "media:banner",
                title=f"Băng-rôn “{MEDIA_SLOGAN}” tại các cửa hàng giao dịch",
                day=D(2025, 10, 3),
                channel="banner",
                quantity=6,
                photo=MEDIA_SLOGAN,
                via=Output.Via.PHONE,
            )
    for unit in [*hoa_lu, *communes]:
        _commune(plan, unit, window, prefix="media", slogans=[MEDIA_SLOGAN], keen=False)


def _directive_plan(
    plan: _Plan,
    orgs,
    hoa_lu: list[OrgUnit],
    active: list[OrgUnit],
    quiet: list[OrgUnit],
) -> None:
    window = DIRECTIVE_WINDOW
    start, _end = window
    if "NB-BPTTH" in orgs:
        _press(plan, orgs["NB-BPTTH"], window, prefix="bdhvs", titles=PRESS_TITLES)
    if "NB-SVHTT" in orgs:
        for n, title in enumerate(PRESS_TITLES[:3]):
            _portal(
                plan,
                orgs["NB-SVHTT"],
                f"bdhvs:portal:{n}",
                start + DAY * (1 + 20 * n),
                title,
                "svhtt.ninhbinh.gov.vn",
            )
    slogans = DIRECTIVE_SLOGANS
    for unit in hoa_lu:
        _commune(plan, unit, window, prefix="bdhvs", slogans=slogans, keen=True)
    if hoa_lu:
        # Phường Hoa Lư runs the slogan on the LED screen at the ward's square.
        plan.add(
            hoa_lu[0],
            "bdhvs:led",
            title=f"Trình chiếu khẩu hiệu “{slogans[0]}” trên màn hình LED quảng trường",
            day=start + 2 * DAY,
            channel="led",
            photo=slogans[0],
            led=True,
            via=Output.Via.PHONE,
        )
    for unit in active:
        _commune(plan, unit, window, prefix="bdhvs", slogans=slogans, keen=False)
    for unit in quiet:
        _commune(
            plan,
            unit,
            window,
            prefix="bdhvs",
            slogans=slogans,
            keen=False,
            stops_before=QUIET_DAYS,
        )


def _log(campaign: Campaign, rows: list[_Row], actors: dict[int, User]) -> None:
    """Log each planned output dated inside the campaign's window and up to today that is
    not logged yet, through the one write; mark what was logged as the demo's."""
    last = min(campaign.ends_on, timezone.localdate())
    have = set(Output.objects.filter(campaign=campaign).values_list("pk", flat=True))
    new = []
    for row in rows:
        day = row.data.published_on
        if row.id in have or not campaign.starts_on <= day <= last - DAY * row.stops_before:
            continue
        photos = [_photo(row.photo, row.unit.name, led=row.led)] if row.photo else []
        output, created = log_output(
            actor=actors.get(row.unit.pk),
            campaign=campaign,
            unit=row.unit,
            data=replace(row.data, photos=photos),
            output_id=row.id,
            via=row.via,
        )
        if created:
            new.append(output.pk)
    Output.objects.filter(pk__in=new).update(is_demo=True)


# --- Banner photos


@functools.cache
def _font(size: int):
    """Noto Serif (every Vietnamese letter, shipped by fontpkg-noto-serif), bold."""
    from PIL import ImageFont

    try:
        import fontpkg

        font = ImageFont.truetype(str(fontpkg.path("Noto Serif")), size)
    except (ImportError, OSError):
        return ImageFont.load_default(size=size)
    with contextlib.suppress(OSError, ValueError):
        font.set_variation_by_name("Bold")
    return font


def _photo(slogan: str, place: str, *, led: bool) -> CheckedUpload:
    """A small JPEG of the banner (red, yellow letters) or the LED screen (dark, amber): the
    slogan across it, the place below; checked as any uploaded photo is."""
    from PIL import Image, ImageDraw

    background, ink = ((14, 14, 30), (255, 176, 0)) if led else ((178, 30, 36), (255, 222, 0))
    image = Image.new("RGB", (640, 360), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 629, 349), outline=ink, width=5)
    text = "\n".join(textwrap.wrap(slogan.upper(), width=22))
    draw.multiline_text(
        (320, 160), text, font=_font(32), fill=ink, anchor="mm", align="center", spacing=12
    )
    draw.text((320, 316), place, font=_font(20), fill=(255, 255, 255), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=72)
    name = f"{'man-hinh-led' if led else 'bang-ron'}-{_slug(place)}.jpg"
    return check_upload(ContentFile(buffer.getvalue(), name=name), PHOTO)
