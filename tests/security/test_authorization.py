"""Every URL pattern of the project, for every role of the cast: nobody succeeds outside
their area, and another area's object answers exactly like one that does not exist.

CASES needs an entry for every pattern: a new URL without a case fails the suite.
A case says which object the URL is tried on and which roles MAY succeed on it; every
other role must be refused (401/403/404/405, a 400 that changes nothing, or a redirect
to the login page) for every method. Allowed roles are not exercised here (the apps'
own tests do that), so no request of this test changes anything on purpose.
"""

import re
from dataclasses import dataclass

import pytest
from django.test import Client

from ads.escalation.models import Escalation, EscalationRule
from notifications.models import Notification
from tests.security.urlwalk import Route, project_routes

ROLES = (
    "anonymous",
    "author",
    "responder",
    "outsider",
    "worker",
    "other_worker",
    "partner_staff",
    "coordinator",
    "other_coordinator",
)
COORDINATORS = frozenset({"coordinator", "other_coordinator"})
ALL = frozenset(ROLES)
SIGNED_IN = ALL - {"anonymous"}
NOORD = frozenset({"author", "responder", "worker"})  # members of the ad's neighbourhood
NOBODY: frozenset = frozenset()


@dataclass(frozen=True)
class Case:
    may_succeed: frozenset
    target: str = ""  # which object's id goes in <pk>: ad, escalation, notification, reply, user, rule


CASES: dict[str, Case] = {
    "home": Case(ALL),
    # ads pages
    "ads:board": Case(NOORD),
    "ads:create": Case(SIGNED_IN),
    "ads:detail": Case(NOORD, "ad"),
    "ads:edit": Case({"author"}, "ad"),
    "ads:reply": Case(NOORD, "ad"),
    "ads:helper": Case({"author"}, "ad"),
    "ads:close": Case({"author"}, "ad"),
    "ads:withdraw": Case({"author"}, "ad"),
    "ads:renew": Case({"author"}, "ad"),
    "ads:contact_share": Case(NOORD, "ad"),
    "ads:contact_withdraw": Case(NOORD, "ad"),
    "ads:mine": Case(SIGNED_IN),
    "ads:conversations": Case(SIGNED_IN),
    # accounts pages
    "accounts:signup": Case(ALL),
    "accounts:signup_done": Case(ALL),
    "accounts:confirm_resend": Case(ALL),
    "accounts:confirm": Case(ALL),
    "accounts:login": Case(ALL),
    "accounts:logout": Case(ALL),
    "accounts:password_reset": Case(ALL),
    "accounts:password_reset_done": Case(ALL),
    "accounts:password_reset_complete": Case(ALL),
    "accounts:password_reset_confirm": Case(ALL),
    "accounts:profile": Case(SIGNED_IN),
    "accounts:privacy_export": Case(SIGNED_IN),
    "accounts:delete": Case(SIGNED_IN),
    "set_language": Case(ALL),
    # notifications pages
    "notifications:list": Case(SIGNED_IN),
    "notifications:read": Case({"author"}, "notification"),
    "notifications:read_all": Case(SIGNED_IN),
    # escalation inbox pages: the partner it is addressed to
    # Residents have no inbox: 403.
    "escalations:inbox": Case({"worker", "other_worker", "partner_staff"} | COORDINATORS),
    # The ad's neighbourhood's workers see the whole history.
    "escalations:detail": Case({"partner_staff", "worker", "coordinator"}, "escalation"),
    "escalations:claim": Case({"partner_staff"}, "escalation"),
    "escalations:note": Case({"partner_staff"}, "escalation"),
    "escalations:resolve": Case({"partner_staff"}, "escalation"),
    "escalations:decline": Case({"partner_staff"}, "escalation"),
    "escalations:hand_back": Case({"partner_staff"}, "escalation"),
    "escalations:consent": Case({"worker"}, "ad"),
    # moderation pages: the ad's neighbourhood's workers; reports: who can see the item
    "moderation:queue": Case({"worker", "other_worker"}),
    "moderation:ad": Case({"worker"}, "ad"),
    "moderation:reply": Case({"worker"}, "reply"),
    "moderation:resident": Case({"worker"}, "user"),
    "moderation:report_ad": Case(NOORD, "ad"),
    "moderation:report_reply": Case({"author", "responder", "worker"}, "reply"),
    # API
    "api-ad-reports": Case(NOORD, "ad"),
    "api-reply-reports": Case({"author", "responder", "worker"}, "reply"),
    "api-moderation-queue": Case({"worker", "other_worker"}),
    "api-moderation-ad-decisions": Case({"worker"}, "ad"),
    "api-moderation-reply-decisions": Case({"worker"}, "reply"),
    "api-moderation-user": Case({"worker"}, "user"),
    "api-moderation-user-decisions": Case({"worker"}, "user"),
    "api-token": Case(ALL),
    "api-ws-ticket": Case(SIGNED_IN),
    "api-neighbourhoods": Case(ALL),
    "api-me": Case(SIGNED_IN),
    "api-me-export": Case(SIGNED_IN),
    "api-categories": Case(SIGNED_IN),
    "api-ads": Case(SIGNED_IN),
    "api-ad": Case(NOORD, "ad"),
    "api-ad-replies": Case(NOORD, "ad"),
    "api-ad-helper": Case({"author"}, "ad"),
    "api-ad-close": Case({"author"}, "ad"),
    "api-ad-withdraw": Case({"author"}, "ad"),
    "api-ad-contact": Case(NOORD, "ad"),
    "api-ad-renew": Case({"author"}, "ad"),
    "api-ad-events": Case(NOORD, "ad"),
    "api-ad-consent": Case({"worker"}, "ad"),
    "api-escalation-rules": Case(COORDINATORS),
    # A rule of Noord: the region's coordinator manages it, De Bilt's does not see it.
    "api-escalation-rule": Case({"coordinator"}, "rule"),
    "api-municipalities": Case(SIGNED_IN),
    "places:postcodes": Case(COORDINATORS),
    "api-escalations": Case({"worker", "other_worker", "partner_staff"} | COORDINATORS),
    "api-escalation": Case({"partner_staff", "worker", "coordinator"}, "escalation"),
    "api-escalation-claim": Case({"partner_staff"}, "escalation"),
    "api-escalation-resolve": Case({"partner_staff"}, "escalation"),
    "api-escalation-decline": Case({"partner_staff"}, "escalation"),
    "api-escalation-hand-back": Case({"partner_staff"}, "escalation"),
    "api-escalation-notes": Case({"partner_staff", "coordinator"}, "escalation"),
    "api-notifications": Case(SIGNED_IN),
    "api-notifications-unread": Case(SIGNED_IN),
    "api-notification-read": Case({"author"}, "notification"),
    "api-notifications-read-all": Case(SIGNED_IN),
    "api-notifications-preference": Case(SIGNED_IN),
    "api-schema": Case(ALL),
    "api-docs": Case(ALL),
    "healthz": Case(ALL),
}

# Django's admin: staff only (only the coordinators are staff, by their role), whichever
# model it shows. One rule covers its URLs, which appear on their own for every registered
# model; the login and logout pages are open to all. Which objects a coordinator reaches
# there is tested with real objects in tests/accounts/test_region_scope.py.
ADMIN_OPEN = {"admin:login": Case(ALL), "admin:logout": Case(ALL)}
ADMIN_RULE = Case(COORDINATORS)

ROUTES = {route.name: route for route in project_routes(include_admin=True)}
METHODS = ("get", "post", "patch", "delete")


def _case(name: str) -> Case:
    if ROUTES[name].route.startswith("admin/"):
        return ADMIN_OPEN.get(name, ADMIN_RULE)
    return CASES[name]


def test_every_url_pattern_has_a_case() -> None:
    assert any(route.startswith("admin/") for route in (r.route for r in ROUTES.values()))
    missing = sorted(name for name in set(ROUTES) - set(CASES) if not ROUTES[name].route.startswith("admin/"))
    assert missing == [], f"add an authorization case for: {missing}"
    assert sorted(set(CASES) - set(ROUTES)) == [], "cases for URLs that no longer exist"


@pytest.fixture
def targets(cast) -> dict:
    escalation = Escalation.objects.create(ad=cast.ad, partner=cast.partner_staff.partner, step=1)
    notification = Notification.objects.create(
        recipient=cast.author,
        kind="reply.created",
        target_type="ad",
        target_id=cast.ad.pk,
        target_url=f"/advertenties/{cast.ad.pk}/",
    )
    reply = cast.conversation.replies.first()
    rule = EscalationRule.objects.create(neighbourhood=cast.noord, threshold_minutes=600)
    return {
        "rule": rule.pk,
        "ad": cast.ad.pk,
        "escalation": escalation.pk,
        "notification": notification.pk,
        "reply": reply.pk,
        "user": cast.author.pk,
        "": cast.ad.pk,
    }


def _client(cast, role: str) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.44")
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    return client


def _path(route: Route, pk: int) -> str:
    values = {"pk": pk, "slug": "noord", "token": "not-a-token", "uidb64": "MQ"}
    admin = {"object_id": pk, "content_type_id": 1, "id": pk, "app_label": "accounts", "url": "nothing/"}
    return route.path(**values, **admin)


def _succeeded(response) -> bool:
    if 200 <= response.status_code < 300:
        return True
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if "/inloggen/" in location or "/admin/login/" in location:
            return False
        # A page action that refuses redirects back with an error message (nothing changed).
        queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
        return not any(message.level_tag == "error" for message in queued)
    return False


def test_nobody_succeeds_outside_their_area(cast, targets, settings) -> None:
    settings.LIMITS_REDIS_URL = ""  # the limiter is not under test here
    clients = {role: _client(cast, role) for role in ROLES}
    leaks = []
    for name, route in sorted(ROUTES.items()):
        case = _case(name)
        path = _path(route, targets[case.target])
        for role in sorted(ALL - case.may_succeed):
            for method in METHODS:
                response = getattr(clients[role], method)(path)
                assert response.status_code < 500, (name, role, method, response.status_code)
                if _succeeded(response):
                    leaks.append((name, role, method, response.status_code))
    assert leaks == [], "\n".join(map(str, leaks))


# Who can see each target object at all (within their area). Everyone else must not be able
# to tell it from an id that does not exist. Within the area, 403 "only the author" is right.
SEES = {
    "ad": NOORD,
    "reply": NOORD,
    "user": {"author", "worker"},
    "escalation": {"partner_staff", "worker", "coordinator"},
    "rule": {"coordinator"},
    "notification": {"author"},
    "": NOORD,
}
NONEXISTENT = 987654321
PER_RESPONSE = re.compile(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"')


def _body(response, object_id: int) -> str:
    """The body without what differs on every response (CSRF token, CSP nonce) and with
    the id from the URL (echoed in the language switch's "next") made neutral."""
    text = PER_RESPONSE.sub(r'\1=""', response.content.decode())
    return re.sub(rf"/{object_id}/", "/<id>/", text)


def test_foreign_ids_answer_like_nonexistent_ones(cast, targets, settings) -> None:
    """An object of another area: the same status and body as an id that does not exist."""
    settings.LIMITS_REDIS_URL = ""
    clients = {role: _client(cast, role) for role in sorted(SIGNED_IN)}
    differences = []
    for name, route in sorted(ROUTES.items()):
        case = _case(name)
        if not case.target or not route.converters:
            continue
        for role, client in clients.items():
            if role in case.may_succeed | SEES[case.target]:
                continue
            for method in ("get", "post"):
                real_id = targets[case.target]
                real = getattr(client, method)(_path(route, real_id))
                missing = getattr(client, method)(_path(route, NONEXISTENT))
                if (real.status_code, _body(real, real_id)) != (missing.status_code, _body(missing, NONEXISTENT)):
                    differences.append((name, role, method, real.status_code, missing.status_code))
    assert differences == [], "\n".join(map(str, differences))
