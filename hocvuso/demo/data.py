"""Ninh Bình demo: the units named in seeds 000, 003 and 004 and one person per role.

Organisation names are the ones the plans use. Villages of the four Hoa Lư wards and every
population figure are invented for the demo and marked ``is_demo``.
"""

from __future__ import annotations

from hocvuso.core.roles import Role

PROVINCE_CODE = "37"  # Ninh Bình
DEMO_PASSWORD = "hocvuso-demo"

GROUPS = {
    "so-ban-nganh": "Sở, ban, ngành",
    "doan-the": "Đoàn thể",
    "luc-luong-vu-trang": "Lực lượng vũ trang",
    "co-quan-bao-chi": "Cơ quan báo chí",
    "doanh-nghiep-vien-thong": "Doanh nghiệp viễn thông",
    "truong-hoc": "Trường đại học, cao đẳng",
}

# (code, name, abbreviation, kind, groups)
ORGANISATIONS = [
    ("NB-SKHCN", "Sở Khoa học và Công nghệ", "Sở KH&CN", "agency", ["so-ban-nganh"]),
    ("NB-VPUBND", "Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh", "agency", ["so-ban-nganh"]),
    ("NB-SVHTT", "Sở Văn hóa và Thể thao", "Sở VH&TT", "agency", ["so-ban-nganh"]),
    ("NB-STC", "Sở Tài chính", "Sở TC", "agency", ["so-ban-nganh"]),
    ("NB-SGDDT", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", "agency", ["so-ban-nganh"]),
    ("NB-SNV", "Sở Nội vụ", "Sở NV", "agency", ["so-ban-nganh"]),
    ("NB-BTGDV", "Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ban TG&DV", "agency", []),
    (
        "NB-BQLKKT",
        "Ban Quản lý Khu kinh tế và các khu công nghiệp tỉnh",
        "BQL KKT",
        "agency",
        ["so-ban-nganh"],
    ),
    (
        "NB-TTPVHCC",
        "Trung tâm Phục vụ Hành chính công tỉnh",
        "TT PVHCC",
        "agency",
        ["so-ban-nganh"],
    ),
    ("NB-CA", "Công an tỉnh", "CA tỉnh", "agency", ["luc-luong-vu-trang"]),
    ("NB-BCHQS", "Bộ Chỉ huy quân sự tỉnh", "Bộ CHQS tỉnh", "agency", ["luc-luong-vu-trang"]),
    ("NB-MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "MTTQ tỉnh", "union", ["doan-the"]),
    ("NB-TD", "Tỉnh đoàn Ninh Bình", "Tỉnh đoàn", "union", ["doan-the"]),
    ("NB-HPN", "Hội Liên hiệp Phụ nữ tỉnh", "Hội Phụ nữ", "union", ["doan-the"]),
    ("NB-HCCB", "Hội Cựu chiến binh tỉnh", "Hội CCB", "union", ["doan-the"]),
    ("NB-HKH", "Hội Khuyến học tỉnh", "Hội Khuyến học", "union", ["doan-the"]),
    ("NB-HHDN", "Hiệp hội Doanh nghiệp tỉnh", "HHDN", "union", []),
    ("NB-HDNT", "Hội Doanh nhân trẻ tỉnh", "Hội DNT", "union", []),
    ("NB-DHHL", "Trường Đại học Hoa Lư", "ĐH Hoa Lư", "school", ["truong-hoc"]),
    (
        "NB-BPTTH",
        "Báo và Phát thanh, Truyền hình Ninh Bình",
        "Báo và PT-TH",
        "press",
        ["co-quan-bao-chi"],
    ),
    ("NB-VIETTEL", "Viettel Ninh Bình", "Viettel", "enterprise", ["doanh-nghiep-vien-thong"]),
    ("NB-VNPT", "VNPT Ninh Bình", "VNPT", "enterprise", ["doanh-nghiep-vien-thong"]),
    ("NB-MOBIFONE", "Mobifone Ninh Bình", "Mobifone", "enterprise", ["doanh-nghiep-vien-thong"]),
    ("NB-BUUDIEN", "Bưu điện tỉnh Ninh Bình", "Bưu điện tỉnh", "enterprise", []),
]

HOA_LU_WARDS = ["Phường Hoa Lư", "Phường Đông Hoa Lư", "Phường Tây Hoa Lư", "Phường Nam Hoa Lư"]
RESIDENTIAL_GROUPS_PER_WARD = 8

# (username, full name, role, unit: "province", an organisation code, or a ward name)
USERS = [
    ("quantri", "Quản trị hệ thống (demo)", Role.ADMINISTRATOR, "province"),
    ("dieuphoi", "Điều phối viên Sở KH&CN (demo)", Role.COORDINATOR, "province"),
    ("hoalu", "Đầu mối Phường Hoa Lư (demo)", Role.FOCAL_POINT, "Phường Hoa Lư"),
    ("namhoalu", "Đầu mối Phường Nam Hoa Lư (demo)", Role.FOCAL_POINT, "Phường Nam Hoa Lư"),
    ("skhcn", "Đầu mối Sở KH&CN (demo)", Role.FOCAL_POINT, "NB-SKHCN"),
    ("svhtt", "Đầu mối Sở VH&TT (demo)", Role.FOCAL_POINT, "NB-SVHTT"),
    ("baochi", "Đầu mối Báo và PT-TH (demo)", Role.FOCAL_POINT, "NB-BPTTH"),
    ("tocongnghe", "Thành viên Tổ CNSCĐ (demo)", Role.TEAM_MEMBER, "Phường Hoa Lư/1"),
    ("lanhdao", "Lãnh đạo tỉnh (demo)", Role.VIEWER, "province"),
]
