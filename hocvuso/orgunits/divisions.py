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


def provinces(code: str | None = None) -> list[Division]:
    found = [
        Division(str(p.code.value), _province_name(p), _short(_province_name(p)), None)
        for p in Province.iter_all()
        if code is None or str(p.code.value) == code.lstrip("0")
    ]
    return sorted(found, key=lambda d: int(d.code))


def communes(province_code: str) -> list[Division]:
    found = [
        Division(str(w.code.value), w.name, _short(w.name), province_code)
        for w in Ward.iter_all()
        if str(w.province_code.value) == province_code
    ]
    return sorted(found, key=lambda d: int(d.code))
