"""Vietnam's official administrative divisions (34 provinces, 3,321 communes/wards since
1/7/2025) as shipped by the ``vietnam-provinces`` package."""

from __future__ import annotations

from dataclasses import dataclass

from vietnam_provinces import Province, Ward


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    short_name: str
    parent_code: str | None


def _province_name(province: Province) -> str:
    # The package spells centrally-run cities in full ("Thành phố Hà Nội") but provinces bare.
    if province.name.startswith("Thành phố"):
        return province.name
    return f"Tỉnh {province.name}"


def _short(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def province_code(value: int | str) -> str:
    """The official two-digit form: 1, "1" and "01" are all "01"."""
    return f"{int(value):02d}" if str(value).isdigit() else str(value)


def provinces(code: str | None = None) -> list[Division]:
    wanted = None if code is None else province_code(code)
    found = [
        Division(province_code(p.code.value), _province_name(p), _short(_province_name(p)), None)
        for p in Province.iter_all()
        if wanted is None or province_code(p.code.value) == wanted
    ]
    return sorted(found, key=lambda d: d.code)


def communes(parent_code: str) -> list[Division]:
    # Official commune codes have five digits ("00070"); unpadded they would collide with
    # province codes ("4" is both Cao Bằng and a Hà Nội ward).
    found = [
        Division(f"{w.code.value:05d}", w.name, _short(w.name), parent_code)
        for w in Ward.iter_all()
        if province_code(w.province_code.value) == parent_code
    ]
    return sorted(found, key=lambda d: d.code)
