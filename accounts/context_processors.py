from django.http import HttpRequest

from accounts.permissions import home_neighbourhood, is_coordinator, is_worker


def navigation(request: HttpRequest) -> dict:
    """What the header needs on every page: where 'my board' is and the user's roles."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav_home_neighbourhood": home_neighbourhood(user),
        "nav_is_worker": is_worker(user),
        "nav_is_coordinator": is_coordinator(user),
    }
