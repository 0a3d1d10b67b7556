"""The per-client rate limit on /api/: `ESF_API_RATE` requests per client address."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from ..lockout import client_ip


class ClientRateThrottle(SimpleRateThrottle):
    """Counts requests per client address as the login lockout sees it (the peer, or what the
    trusted proxies forwarded), so one client behind the TLS proxy is not everyone."""

    scope = "api"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}
