"""API token authentication that loads the user and their roles in one query."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.selectors import user_for_api_token


class RolesTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, with the same answers, but the token, its user and
    the user's worker neighbourhoods come in one query: nearly every API request needs
    all three (permissions ask for the neighbourhoods), and each query is a round trip."""

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        found = user_for_api_token(key)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not found[0].is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return found
