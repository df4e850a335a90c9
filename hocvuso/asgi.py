"""The ASGI entry point: Django for HTTP, Channels for the live screens' WebSockets."""

from __future__ import annotations

import gc
import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocvuso.settings")
# WhiteNoise gives Django a synchronous file iterator; Django serves it under ASGI all the same
# and warns on every static file. Nothing to act on: ordinary logs should not carry it.
warnings.filterwarnings("ignore", "StreamingHttpResponse must consume synchronous iterators")
# Django is set up before anything imports models: the routing below does.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from hocvuso.events.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# Everything loaded so far (Django, the apps, their modules) lives as long as the process:
# out of the collector's sight, a page that makes 20,000 objects (the communications board)
# no longer pays a full collection over a few hundred thousand that never die.
gc.freeze()
