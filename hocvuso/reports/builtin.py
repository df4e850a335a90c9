"""The indicators every province reports, shipped with the app (editable afterwards): the
targets of Plan 01-KH/BCĐTW (21/3/2025) and the counters provinces actually send up.

Plain data, read by the data migration that installs them and by the demo; codes never
change, so a province's edits to names survive upgrades.
"""

from __future__ import annotations

# code, name, short name, value type, aggregation, unit of measure, source, numerator,
# denominator, public
INDICATORS: list[dict[str, object]] = [
    # Denominators and numerators of Plan 01's shares
    {
        "code": "plan01-staff",
        "name": "Cán bộ, công chức, viên chức",
        "short_name": "CBCCVC",
        "unit_of_measure": "người",
        "source": "orgunits.staff",
    },
    {
        "code": "plan01-staff-skilled",
        "name": "Cán bộ, công chức, viên chức hiểu biết về chuyển đổi số, có kỹ năng số",
        "short_name": "CBCCVC có kỹ năng số",
        "unit_of_measure": "người",
        "source": "learning.trained_staff",
    },
    {
        "code": "plan01-pupils",
        "name": "Học sinh, sinh viên",
        "short_name": "HSSV",
        "unit_of_measure": "người",
        "source": "orgunits.pupils",
    },
    {
        "code": "plan01-pupils-equipped",
        "name": (
            "Học sinh, sinh viên được trang bị kiến thức số, kỹ năng an toàn trên môi trường số"
        ),
        "short_name": "HSSV được trang bị",
        "unit_of_measure": "người",
        "source": "learning.trained_pupils",
    },
    {
        "code": "plan01-adults",
        "name": "Người trưởng thành (theo số liệu dân số)",
        "short_name": "Người trưởng thành",
        "unit_of_measure": "người",
        "source": "orgunits.adults",
    },
    {
        "code": "plan01-adults-skilled",
        "name": "Người trưởng thành có kiến thức, kỹ năng số cơ bản",
        "short_name": "Người có kỹ năng số",
        "unit_of_measure": "người",
        "source": "learning.trained_adults",
    },
    {
        "code": "plan01-workers",
        "name": "Người lao động trong doanh nghiệp, hợp tác xã",
        "short_name": "Người lao động",
        "unit_of_measure": "người",
        "source": "orgunits.workers",
    },
    {
        "code": "plan01-workers-skilled",
        "name": "Người lao động trong doanh nghiệp, hợp tác xã có kỹ năng số cơ bản",
        "short_name": "Người lao động có kỹ năng số",
        "unit_of_measure": "người",
        "source": "learning.trained_workers",
    },
    # Plan 01's five targets
    {
        "code": "plan01-staff-share",
        "name": "Tỷ lệ cán bộ, công chức, viên chức hiểu biết về chuyển đổi số và có kỹ năng số",
        "short_name": "% CBCCVC có kỹ năng số",
        "value_type": "percentage",
        "aggregation": "ratio",
        "numerator": "plan01-staff-skilled",
        "denominator": "plan01-staff",
        "unit_of_measure": "%",
        "is_public": True,
    },
    {
        "code": "plan01-pupils-share",
        "name": "Tỷ lệ học sinh, sinh viên được trang bị kiến thức số và kỹ năng an toàn",
        "short_name": "% HSSV được trang bị",
        "value_type": "percentage",
        "aggregation": "ratio",
        "numerator": "plan01-pupils-equipped",
        "denominator": "plan01-pupils",
        "unit_of_measure": "%",
        "is_public": True,
    },
    {
        "code": "plan01-adults-share",
        "name": "Tỷ lệ người trưởng thành có kiến thức, kỹ năng số cơ bản",
        "short_name": "% người trưởng thành có kỹ năng số",
        "value_type": "percentage",
        "aggregation": "ratio",
        "numerator": "plan01-adults-skilled",
        "denominator": "plan01-adults",
        "unit_of_measure": "%",
        "is_public": True,
    },
    {
        "code": "plan01-vneid-confirmed",
        "name": "Người trưởng thành được xác nhận đạt kỹ năng số cơ bản trên VNeID",
        "short_name": "Xác nhận trên VNeID",
        "unit_of_measure": "người",
        "is_public": True,
        "source": "learning.vneid_confirmed",
    },
    {
        "code": "plan01-workers-share",
        "name": "Tỷ lệ người lao động trong doanh nghiệp, hợp tác xã có kỹ năng số cơ bản",
        "short_name": "% người lao động có kỹ năng số",
        "value_type": "percentage",
        "aggregation": "ratio",
        "numerator": "plan01-workers-skilled",
        "denominator": "plan01-workers",
        "unit_of_measure": "%",
        "is_public": True,
    },
    # Counters every plan asks for
    {
        "code": "classes-held",
        "name": "Lớp tập huấn, bồi dưỡng kỹ năng số đã tổ chức",
        "short_name": "Lớp tập huấn",
        "unit_of_measure": "lớp",
        "is_public": True,
        "source": "learning.classes_held",
    },
    {
        "code": "class-attendees",
        "name": "Lượt người dự lớp tập huấn, bồi dưỡng",
        "short_name": "Người dự lớp",
        "unit_of_measure": "lượt người",
        "is_public": True,
        "source": "learning.attendances",
    },
    {
        "code": "people-guided",
        "name": "Lượt người được Tổ công nghệ số cộng đồng hướng dẫn",
        "short_name": "Lượt người được hướng dẫn",
        "unit_of_measure": "lượt người",
        "source": "fieldwork.people_guided",
        "is_public": True,
    },
    {
        "code": "households-reached",
        "name": "Hộ gia đình được hướng dẫn lần đầu",
        "short_name": "Hộ được hướng dẫn",
        "unit_of_measure": "hộ",
        "source": "fieldwork.households_reached",
        "is_public": True,
    },
    {
        "code": "home-visits",
        "name": "Lượt đến hộ “đi từng ngõ, gõ từng nhà”",
        "short_name": "Lượt đến hộ",
        "unit_of_measure": "lượt",
        "source": "fieldwork.visits",
    },
    {
        "code": "teams",
        "name": "Tổ công nghệ số cộng đồng",
        "short_name": "Số tổ",
        "unit_of_measure": "tổ",
        "source": "fieldwork.teams",
        "is_public": True,
    },
    {
        "code": "team-members",
        "name": "Thành viên Tổ công nghệ số cộng đồng",
        "short_name": "Thành viên tổ",
        "unit_of_measure": "người",
        "source": "fieldwork.team_members",
        "is_public": True,
    },
    {
        "code": "bridge-points",
        "name": "Điểm cầu lễ phát động",
        "short_name": "Điểm cầu",
        "unit_of_measure": "điểm",
        "source": "events.bridge_points",
        "is_public": True,
    },
    {
        "code": "bridge-point-attendees",
        "name": "Người dự tại các điểm cầu",
        "short_name": "Người dự điểm cầu",
        "unit_of_measure": "người",
        "source": "events.attendees",
        "is_public": True,
    },
    {
        "code": "tasks-done",
        "name": "Nhiệm vụ đã hoàn thành theo kế hoạch",
        "short_name": "Nhiệm vụ xong",
        "unit_of_measure": "nhiệm vụ",
        "source": "plans.tasks_done",
    },
    {
        "code": "accounts-vneid",
        "name": "Tài khoản định danh điện tử VNeID mức 2 được kích hoạt",
        "short_name": "Tài khoản VNeID",
        "unit_of_measure": "tài khoản",
        "is_public": True,
    },
    {
        "code": "accounts-payment",
        "name": "Tài khoản thanh toán điện tử được mở",
        "short_name": "Tài khoản thanh toán",
        "unit_of_measure": "tài khoản",
        "is_public": True,
    },
    {
        "code": "accounts-ecommerce",
        "name": "Hộ, cơ sở bán hàng trên sàn thương mại điện tử",
        "short_name": "Bán hàng trên sàn TMĐT",
        "unit_of_measure": "hộ, cơ sở",
        "is_public": True,
    },
    {
        "code": "accounts-citizen-app",
        "name": "Người cài đặt, sử dụng ứng dụng công dân số của tỉnh",
        "short_name": "Dùng app công dân số",
        "unit_of_measure": "người",
        "is_public": True,
    },
    # Communications (issue 16): what the units published, from their logged outputs
    {
        "code": "comms-outputs",
        "name": "Sản phẩm truyền thông về phong trào đã đăng, phát",
        "short_name": "Sản phẩm truyền thông",
        "unit_of_measure": "sản phẩm",
        "source": "communications.outputs",
    },
    {
        "code": "comms-press",
        "name": "Tin, bài trên báo chí, phát thanh, truyền hình",
        "short_name": "Tin, bài báo chí",
        "unit_of_measure": "tin, bài",
        "source": "communications.press",
    },
    {
        "code": "comms-portal",
        "name": "Tin, bài trên cổng, trang thông tin điện tử",
        "short_name": "Tin, bài trên cổng TTĐT",
        "unit_of_measure": "tin, bài",
        "source": "communications.portal",
    },
    {
        "code": "comms-social",
        "name": "Bài đăng, video trên mạng xã hội",
        "short_name": "Bài đăng mạng xã hội",
        "unit_of_measure": "bài đăng",
        "source": "communications.social",
    },
    {
        "code": "comms-grassroots",
        "name": "Lượt phát trên hệ thống loa truyền thanh cơ sở",
        "short_name": "Lượt phát loa cơ sở",
        "unit_of_measure": "lượt phát",
        "source": "communications.grassroots",
    },
    {
        "code": "comms-visual",
        "name": "Băng-rôn, pa-nô, áp phích, màn hình LED tuyên truyền",
        "short_name": "Cổ động trực quan",
        "unit_of_measure": "sản phẩm",
        "source": "communications.visual",
    },
    {
        "code": "comms-meetings",
        "name": "Hội nghị, lớp, buổi sinh hoạt có nội dung tuyên truyền",
        "short_name": "Buổi tuyên truyền",
        "unit_of_measure": "buổi",
        "source": "communications.meetings",
    },
    {
        "code": "comms-hashtag",
        "name": "Sản phẩm truyền thông có dùng hashtag của chiến dịch",
        "short_name": "Có dùng hashtag",
        "unit_of_measure": "sản phẩm",
        "source": "communications.hashtag",
    },
    {
        "code": "difficulties",
        "name": "Khó khăn, vướng mắc và kiến nghị",
        "short_name": "Khó khăn, kiến nghị",
        "value_type": "text",
        "aggregation": "none",
    },
]

# Counts of what exists at a moment: a longer period shows the last one's figure.
STOCKS = {
    "plan01-staff",
    "plan01-staff-skilled",
    "plan01-pupils",
    "plan01-pupils-equipped",
    "plan01-adults-skilled",
    "plan01-workers",
    "plan01-workers-skilled",
    "plan01-vneid-confirmed",
}

# Plan 01's targets for every province, by year: shares in percent.
PLAN01_SHARE_TARGETS: dict[str, dict[int, int]] = {
    "plan01-staff-share": {2025: 80, 2026: 100},
    "plan01-pupils-share": {2025: 100, 2026: 100},
    "plan01-adults-share": {2025: 80, 2026: 100},
    "plan01-workers-share": {2025: 80, 2026: 100},
}

# The monthly form of the demo and of a new province: what communes send up each month.
MONTHLY_FORM = [
    "plan01-adults",
    "plan01-adults-skilled",
    "plan01-adults-share",
    "plan01-vneid-confirmed",
    "classes-held",
    "class-attendees",
    "people-guided",
    "households-reached",
    "teams",
    "accounts-vneid",
    "accounts-payment",
    "accounts-ecommerce",
    "difficulties",
]
# The three figures once required (people with skills, classes, attendees) are computed
# from the learning app since issue 15: nothing typed there to require.
MONTHLY_FORM_REQUIRED: list[str] = []
# (left, operator, right). The rules it had ("people with skills ≤ adults", "VNeID ≤ people
# with skills", "attendees ≥ classes") compared computed figures only: a commune could not
# correct them by typing, and VNeID's count is no subset of our classes' learners, so they
# would only have blocked reports. A rule belongs between typed figures.
MONTHLY_FORM_RULES: list[tuple[str, str, str]] = []

# The built-in indicators the learning app computes (issue 15), for the data migration
# that points an existing install's indicators at them.
LEARNING_SOURCES = {
    "plan01-staff": "orgunits.staff",
    "plan01-staff-skilled": "learning.trained_staff",
    "plan01-pupils": "orgunits.pupils",
    "plan01-pupils-equipped": "learning.trained_pupils",
    "plan01-adults-skilled": "learning.trained_adults",
    "plan01-workers": "orgunits.workers",
    "plan01-workers-skilled": "learning.trained_workers",
    "plan01-vneid-confirmed": "learning.vneid_confirmed",
    "classes-held": "learning.classes_held",
    "class-attendees": "learning.attendances",
}


def install(indicator_model: type) -> None:
    """Create or refresh the built-in indicators (``indicator_model`` is the real model or a
    migration's historical one). Names a province changed are kept."""
    by_code = {}
    # A migration older than the field installs without it; the next one sets it.
    knows_time = any(f.name == "over_time" for f in indicator_model._meta.get_fields())
    for position, spec in enumerate(INDICATORS):
        spec = dict(spec)
        numerator = spec.pop("numerator", None)
        denominator = spec.pop("denominator", None)
        code = spec.pop("code")
        over_time = {"over_time": "last" if code in STOCKS else "sum"} if knows_time else {}
        indicator, created = indicator_model.objects.get_or_create(
            code=code,
            defaults={
                **spec,
                **over_time,
                "position": position,
                "is_builtin": True,
                "numerator": by_code.get(numerator),
                "denominator": by_code.get(denominator),
            },
        )
        if knows_time and not created and code in STOCKS and indicator.over_time != "last":
            # Installed before indicators knew stocks from flows.
            indicator.over_time = "last"
            indicator.save(update_fields=["over_time"])
        by_code[code] = indicator
