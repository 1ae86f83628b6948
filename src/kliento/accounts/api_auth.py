"""API authentication: the browser's session (with CSRF) or a bearer token.

Rate limits live here too, in Django's default cache (Redis in production, see
``REDIS_URL``), so every app server process counts against the same limits.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle, UserRateThrottle
from ninja.utils import check_csrf

from kliento.accounts.models import ApiToken
from kliento.accounts.tokens import token_authenticate
from kliento.common.errors import DomainError, ErrorCode

logger = logging.getLogger("kliento.api.auth")


class ScopedUserThrottle(UserRateThrottle):
    """A per-user (or per-address when anonymous) limit with a counter of its own.

    Ninja's ``UserRateThrottle`` keys every instance by ``user``, so two endpoints'
    limits would share one counter; a scope per endpoint keeps them apart.
    """

    def __init__(self, scope: str, rate: str) -> None:
        self.scope = scope
        super().__init__(rate)


class FailedTokenLimiter(SimpleRateThrottle):
    """Counts failed bearer-token attempts per client address.

    Only failures count and only failures are refused (429), so a well-behaved app is
    never slowed down and a valid token keeps working from an address others abuse.
    """

    scope = "failed_token"

    def __init__(self, rate: str) -> None:
        super().__init__(rate)
        limit, window = self.parse_rate(rate)
        if limit is None or window is None:
            raise ValueError(f"invalid rate {rate!r}")
        self.limit, self.window = limit, window

    def get_cache_key(self, request: HttpRequest) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _recent(self, request: HttpRequest) -> tuple[str, list[float], float]:
        key = self.get_cache_key(request)
        now = time.time()
        history = [t for t in self.cache.get(key, []) if t > now - self.window]
        return key, history, now

    def retry_after(self, request: HttpRequest) -> int | None:
        """Seconds until the next attempt is allowed, or None when one is allowed now."""
        _key, history, now = self._recent(request)
        if len(history) < self.limit:
            return None
        return max(1, math.ceil(self.window - (now - min(history))))

    def record_failure(self, request: HttpRequest) -> None:
        key, history, now = self._recent(request)
        history.insert(0, now)
        self.cache.set(key, history, self.window)


def failed_token_limiter() -> FailedTokenLimiter:
    return FailedTokenLimiter(settings.KLIENTO_RATE_FAILED_TOKENS)


class BearerToken(HttpBearer):
    """``Authorization: Bearer kl_...``; a bad token is a 401, never a fallback to session."""

    kinds: tuple[str, ...] = (ApiToken.Kind.PERSONAL,)

    def __call__(self, request: HttpRequest) -> Any:
        # Ninja's own version logs the whole header (a secret) for unknown schemes.
        scheme, _sep, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        # The token is looked up first: a valid token always works, however many bad ones
        # came from the same address (a shop's network, a carrier NAT), so nobody can lock
        # out a terminal without its secret. Only failures count, and only they are refused.
        api_token = token_authenticate(raw=token)
        if api_token is None or api_token.kind not in self.kinds:
            limiter = failed_token_limiter()
            wait = limiter.retry_after(request)
            if wait is not None:
                logger.warning("bearer token refused: too many failures path=%s", request.path)
                raise DomainError(
                    ErrorCode.RATE_LIMITED,
                    _("Too many requests. Try again later."),
                    details={"retry_after": wait},
                )
            limiter.record_failure(request)
            # Never the token: only whether it looked like one of ours.
            logger.info(
                "bearer token refused path=%s well_formed=%s",
                request.path,
                token.startswith("kl_"),
            )
            raise DomainError(
                ErrorCode.INVALID_TOKEN, _("The token is unknown, expired or revoked.")
            )
        if api_token.user is not None:
            request.user = api_token.user
        return api_token


class BrowserSession(SessionAuth):
    """The person's browser session. CSRF is checked only when a session cookie comes
    along: a request without one is simply not signed in (401), not a forgery (403)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise DomainError(
                ErrorCode.CSRF_FAILED,
                _("The CSRF check failed. Reload the page and try again."),
            )
        return request.COOKIES.get(self.param_name)


session_auth = BrowserSession()
personal_token_auth = BearerToken()
default_auth = [personal_token_auth, session_auth]
