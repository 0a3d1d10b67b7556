"""The admin login's lockout (django-axes): who counts as one client, the limits, the answer.

Three counts, each with its own limit within the cool-off time (`settings.LOCKOUT_LIMITS`):
one username from one address (a person mistyping), any username from one address (one
machine trying many accounts) and one username from any address (many machines trying one
account). Reaching any of them locks the login for those credentials or that address.

The client's address is the peer's, or, when the peer is one of our trusted proxies
(`TRUSTED_PROXIES`), the address that proxy saw: a client that reaches gunicorn directly cannot
choose its address by sending `X-Forwarded-For` itself.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a limit per lockout parameter instead of one for all.

    axes locks when `get_failures() >= AXES_FAILURE_LIMIT`; this reports the failures scaled
    to that limit, so each parameter reaches it at its own count.
    """

    def get_failures(self, request, credentials=None) -> int:
        base = settings.AXES_FAILURE_LIMIT
        scaled = 0
        for attempts, limit in zip(
            self.get_user_attempts(request, credentials), settings.LOCKOUT_LIMITS, strict=True
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            scaled = max(scaled, base if failures >= limit else failures * base // limit)
        return scaled

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful login, forget that username's failures from that address only.

        axes would delete every attempt matching any parameter: one's own successful login
        would wipe an address's failures on other usernames and let it go on guessing.
        """
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: a Swedish page, 429, and when to retry."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    per_pair, per_address, per_username = settings.LOCKOUT_LIMITS
    context = {
        "status": 429,
        "heading": _("För många inloggningsförsök"),
        "message": _(
            "Inloggningen är spärrad i %(minutes)s minuter efter %(limit)s misslyckade försök "
            "med samma användarnamn från samma adress (eller %(per_address)s från samma adress, "
            "%(per_username)s med samma användarnamn). Försök igen senare."
        )
        % {
            "minutes": minutes,
            "limit": per_pair,
            "per_address": per_address,
            "per_username": per_username,
        },
    }
    response = HttpResponse(loader.render_to_string("503.html", context), status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    """The client address for the login lockout: the peer, or what our trusted proxies saw.

    With `TRUSTED_PROXY_COUNT` proxies in front, `X-Forwarded-For` is read only when the peer
    is a trusted proxy, and then the address `TRUSTED_PROXY_COUNT` hops from the right.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0 or not is_trusted_proxy(peer):
        return peer
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) >= count:
        return forwarded[-count]
    return peer
