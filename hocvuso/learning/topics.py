"""The skills the movement teaches, shipped with the app (editable afterwards). Plain data,
read by the data migration that installs them."""

from __future__ import annotations

TOPICS = [
    ("public-services", "Dịch vụ công trực tuyến"),
    ("vneid", "Định danh điện tử VNeID"),
    ("cashless", "Thanh toán không dùng tiền mặt"),
    ("ecommerce", "Thương mại điện tử, sản phẩm OCOP"),
    ("online-safety", "An toàn, an ninh mạng, phòng chống lừa đảo"),
    ("ai-basics", "Trí tuệ nhân tạo cơ bản"),
    ("office-skills", "Kỹ năng số văn phòng"),
    ("digital-citizen", "Công dân số, ứng dụng của tỉnh"),
    ("digital-health", "Y tế số, sổ sức khỏe điện tử"),
    ("digital-learning", "Học tập trực tuyến, nền tảng Bình dân học vụ số"),
]
