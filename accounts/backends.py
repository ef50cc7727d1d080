from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts import limits
from accounts.models import User


class EmailBackend(ModelBackend):
    """Log in with an email address, case-insensitively. Accounts without an email
    (residents who are not online) can never log in."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs
    ) -> User | None:
        email = kwargs.get("email", username)
        if not email or not password:
            return None
        # Counted before the password check; raises RateLimited / LimiterUnavailable.
        attempt = limits.login_attempt_begin(email=email, address=limits.client_address(request))
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist:
            # Hash anyway so that response time does not reveal which emails exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            limits.login_attempt_succeeded(attempt)
            return user
        return None
