"""Pasted links: which channel an address belongs to, and the key two links to one article
share (so the same article logged twice is refused)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from hocvuso.communications.models import Channel

MAX_URL = 500
# Query parameters that only say who shared a link or from where: two links differing in
# them are one article.
_TRACKING = {"fbclid", "gclid", "igshid", "si", "feature", "ref", "ref_src", "zarsrc", "zalo"}
_TRACKING_PREFIXES = ("utm_", "__tn__", "mibextid")


def check_url(url: str) -> str:
    """``url`` trimmed, or a Vietnamese ValidationError: only http(s) addresses of at most
    500 characters, with a host."""
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > MAX_URL:
        raise ValidationError(_("Đường dẫn dài quá %(n)d ký tự.") % {"n": MAX_URL})
    # URLValidator lets NUL and other control characters through in the path; no database
    # stores a NUL, and no real link holds one.
    if any(ord(c) < 32 or ord(c) == 127 for c in url):
        raise ValidationError(_("Đường dẫn có ký tự điều khiển; hãy dán lại đường dẫn."))
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        raise ValidationError(
            _("Đường dẫn phải bắt đầu bằng http:// hoặc https:// (không nhận “%(scheme)s:”).")
            % {"scheme": scheme[:20]}
            if scheme
            else _("Đường dẫn phải bắt đầu bằng http:// hoặc https://.")
        )
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError(_("Đường dẫn không hợp lệ.")) from exc
    return url


def host_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.").removeprefix("m.")


def url_key(url: str) -> str:
    """The address as two links to one article share it: no scheme, no "www."/"m.", no
    fragment, no tracking parameters, no trailing slash; the path's case kept (it matters
    on most sites), the host lower-cased."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = host_of(url)
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _TRACKING and not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    path = parts.path.rstrip("/")
    key = host + path
    if query:
        key += "?" + urlencode(sorted(query))
    return key[:MAX_URL]


def recognise_channel(url: str, channels: list[Channel] | None = None) -> Channel | None:
    """The channel whose listed domain the link's host is, or ends with (a subdomain), the
    longest domain winning; None when no channel lists it."""
    host = host_of(url) if url else ""
    if not host:
        return None
    if channels is None:
        channels = list(Channel.objects.filter(active=True).exclude(domains=""))
    best: tuple[int, Channel] | None = None
    for channel in channels:
        for domain in channel.domain_list():
            domain = domain.removeprefix("www.")
            if (host == domain or host.endswith("." + domain)) and (
                best is None or len(domain) > best[0]
            ):
                best = (len(domain), channel)
    return best[1] if best else None


def domain_table() -> list[tuple[str, str]]:
    """(domain, channel code) for every active channel: the phone recognises links offline
    from this list, as the server does."""
    rows = []
    for channel in Channel.objects.filter(active=True).exclude(domains=""):
        rows += [(d.removeprefix("www."), channel.code) for d in channel.domain_list()]
    return sorted(rows, key=lambda r: -len(r[0]))
