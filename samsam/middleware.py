"""Response headers every page and API answer carries: the CSP and the cache policy."""

from collections.abc import Callable

from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NonceCSPMiddleware(CSPMiddleware):
    """django-csp, with the nonce made for every request, so every policy names one and a
    template can always use {{ request.csp_nonce }} on a <script> or <style>."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        self._make_nonce(request)


class PrivateCacheMiddleware:
    """Nothing a signed-in person sees, and nothing the API answers, is kept by a browser
    or proxy cache: those responses may hold personal data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # DRF copies a token-authenticated user onto the Django request as well.
        user = getattr(request, "user", None)
        personal = (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META
        if personal or request.path.startswith("/api/"):
            patch_cache_control(response, private=True, no_store=True)
        return response
