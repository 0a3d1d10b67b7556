"""The per-client rate limit on /api/: `ESF_API_RATE` requests per client address."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from ..lockout import client_ip


class ClientRateThrottle(SimpleRateThrottle):
    """Counts requests per client address as the login lockout sees it (the peer, or what the
    trusted proxies forwarded), so one client behind the TLS proxy is not everyone."""

    scope = "api"

    def get_rate(self) -> str:
        # Read at each request (not once at import, as DRF's rates are), so that the setting
        # is the one in force
        return settings.ESF_API_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}
