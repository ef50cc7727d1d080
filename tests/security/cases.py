"""The authorization cases of every URL pattern: who may succeed, on which object, with
which body. Shared by the authorization matrix and the security headers test.

A case names the object its <pk> (or slug, or token) points at, the roles that MAY succeed
on it, and a body that is valid for the route, so that a refusal is a refusal of the
person and never of the input. `prove` is the role whose request with that body shows the
body is valid (test_the_bodies_are_valid).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core import signing
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.services import CONFIRM_SALT
from ads.escalation.models import Escalation, EscalationRule
from notifications.models import Notification
from tests import factories
from tests.security.urlwalk import Route

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
NONEXISTENT = 987654321

Body = dict | Callable[[dict], dict]


@dataclass(frozen=True)
class Case:
    may_succeed: frozenset
    target: str = ""  # which object goes in the URL: see targets()
    body: Body = field(default_factory=dict)  # for POST, PUT, PATCH and DELETE
    bodies: dict = field(default_factory=dict)  # per method, where one body does not fit all
    writers: frozenset | None = None  # who may succeed on a write, where fewer than may read
    prove: str = ""  # the role whose request shows the body is valid

    def body_for(self, method: str, values: dict) -> dict:
        body = self.bodies.get(method, self.body)
        return body(values) if callable(body) else body

    def may(self, role: str, method: str) -> bool:
        if method != "get" and self.writers is not None:
            return role in self.writers
        return role in self.may_succeed


AD = {"kind": "request", "category": "boodschappen", "title": "Wie haalt brood?", "description": "Bij de bakker."}
REASON = {"reason": "spam", "note": "Reclame."}
HIDE = {"action": "hide", "reason": "Dit hoort hier niet."}
WARN = {"action": "warn", "reason": "Let op je woorden."}

CASES: dict[str, Case] = {
    "home": Case(ALL),
    # ads pages
    "ads:board": Case(NOORD, "neighbourhood"),
    "ads:create": Case(SIGNED_IN, body=AD, prove="author"),
    "ads:detail": Case(NOORD, "ad"),
    "ads:edit": Case({"author"}, "ad", {"category": "tuin", "title": "Hulp in de tuin", "description": "Graag."}),
    "ads:reply": Case(NOORD, "ad", {"body": "Ik kan helpen."}, prove="responder"),
    "ads:helper": Case({"author"}, "ad", lambda v: {"conversation": v["conversation"]}),
    "ads:close": Case({"author"}, "ad", {"thanks": "Dank je wel!"}),
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
    "accounts:confirm": Case(ALL, "confirm_token"),
    "accounts:login": Case(ALL),
    "accounts:logout": Case(ALL),
    "accounts:password_reset": Case(ALL),
    "accounts:password_reset_done": Case(ALL),
    "accounts:password_reset_complete": Case(ALL),
    "accounts:password_reset_confirm": Case(ALL, "reset_uid"),
    "accounts:profile": Case(SIGNED_IN, body={"display_name": "Anna B.", "phone": "", "street": "", "language": "nl"}),
    "accounts:privacy_export": Case(SIGNED_IN, body={"password": factories.PASSWORD}, prove="author"),
    "accounts:delete": Case(SIGNED_IN, body={"password": factories.PASSWORD}, prove="author"),
    "set_language": Case(ALL),
    # notifications pages
    "notifications:list": Case(SIGNED_IN, body={"email": "daily"}, prove="author"),
    "notifications:read": Case({"author"}, "notification"),
    "notifications:read_all": Case(SIGNED_IN),
    # escalation inbox pages: the partner it is addressed to. Residents have no inbox: 403.
    "escalations:inbox": Case({"worker", "other_worker", "partner_staff"} | COORDINATORS),
    # The ad's neighbourhood's workers see the whole history.
    "escalations:detail": Case({"partner_staff", "worker", "coordinator"}, "escalation"),
    "escalations:claim": Case({"partner_staff"}, "escalation"),
    "escalations:note": Case({"partner_staff"}, "escalation", {"note-note": "Gebeld, morgen terug."}),
    "escalations:resolve": Case({"partner_staff"}, "claimed", {"resolve-outcome": "helped", "resolve-note": ""}),
    "escalations:decline": Case({"partner_staff"}, "escalation", {"decline-reason": "Niet voor ons."}),
    "escalations:hand_back": Case({"partner_staff"}, "claimed", {"hand_back-note": "Toch buurtwerk."}),
    "escalations:consent": Case({"worker"}, "ad", {"consent-consent": "yes"}),
    # moderation pages: the ad's neighbourhood's workers; reports: who can see the item
    "moderation:queue": Case({"worker", "other_worker"}),
    "moderation:ad": Case({"worker"}, "ad", HIDE),
    "moderation:reply": Case({"worker"}, "reply", HIDE),
    "moderation:resident": Case({"worker"}, "user", WARN),
    "moderation:report_ad": Case(NOORD, "ad", REASON, prove="responder"),
    "moderation:report_reply": Case({"author", "responder", "worker"}, "reply", REASON, prove="author"),
    # API
    "api-ad-reports": Case(NOORD, "ad", REASON, prove="responder"),
    "api-reply-reports": Case({"author", "responder", "worker"}, "reply", REASON, prove="author"),
    "api-moderation-queue": Case({"worker", "other_worker"}),
    "api-moderation-ad-decisions": Case({"worker"}, "ad", HIDE),
    "api-moderation-reply-decisions": Case({"worker"}, "reply", HIDE),
    "api-moderation-user": Case({"worker"}, "user"),
    "api-moderation-user-decisions": Case({"worker"}, "user", WARN),
    "api-token": Case(ALL),
    "api-ws-ticket": Case(SIGNED_IN),
    "api-neighbourhoods": Case(ALL),
    "api-me": Case(
        SIGNED_IN,
        bodies={"patch": {"display_name": "Anna B."}, "delete": {"password": factories.PASSWORD}},
        prove="author",
    ),
    "api-me-export": Case(SIGNED_IN),
    "api-categories": Case(SIGNED_IN),
    "api-ads": Case(SIGNED_IN, body=AD, prove="author"),
    "api-ad": Case(NOORD, "ad", {"title": "Boodschappen op woensdag"}, writers=frozenset({"author"})),
    "api-ad-replies": Case(NOORD, "ad", {"body": "Ik kan helpen."}, prove="responder"),
    "api-ad-helper": Case({"author"}, "ad", lambda v: {"conversation": v["conversation"]}),
    "api-ad-close": Case({"author"}, "ad", {"thanks": "Dank je wel!"}),
    "api-ad-withdraw": Case({"author"}, "ad"),
    "api-ad-contact": Case(NOORD, "ad"),
    "api-ad-renew": Case({"author"}, "ad"),
    "api-ad-events": Case(NOORD, "ad"),
    "api-ad-consent": Case({"worker"}, "ad", {"consent": True}),
    "api-escalation-rules": Case(
        COORDINATORS, body={"neighbourhood": "noord", "category": "tuin", "threshold_minutes": 90}, prove="coordinator"
    ),
    # A rule of Noord: the region's coordinator manages it, De Bilt's does not see it.
    "api-escalation-rule": Case({"coordinator"}, "rule", bodies={"patch": {"threshold_minutes": 120}}),
    "api-municipalities": Case(SIGNED_IN),
    "places:postcodes": Case(COORDINATORS),
    "api-escalations": Case({"worker", "other_worker", "partner_staff"} | COORDINATORS),
    "api-escalation": Case({"partner_staff", "worker", "coordinator"}, "escalation"),
    "api-escalation-claim": Case({"partner_staff"}, "escalation"),
    "api-escalation-resolve": Case({"partner_staff"}, "claimed", {"outcome": "helped"}),
    "api-escalation-decline": Case({"partner_staff"}, "escalation", {"reason": "Niet voor ons."}),
    "api-escalation-hand-back": Case({"partner_staff"}, "claimed", {"note": "Toch buurtwerk."}),
    "api-escalation-notes": Case({"partner_staff"}, "escalation", {"note": "Gebeld, morgen terug."}),
    "api-notifications": Case(SIGNED_IN),
    "api-notifications-unread": Case(SIGNED_IN),
    "api-notification-read": Case({"author"}, "notification"),
    "api-notifications-read-all": Case(SIGNED_IN),
    "api-notifications-preference": Case(SIGNED_IN, body={"email": "daily"}, prove="author"),
    "api-schema": Case(ALL),
    "api-docs": Case(ALL),
    "healthz": Case(ALL),
}

# Django's admin: staff only (only the coordinators are staff, by their role), whichever
# model it shows. One rule covers its URLs, which appear on their own for every registered
# model; the login and logout pages are open to all. Which objects a coordinator reaches
# there is tested with real objects in tests/accounts/test_region_scope.py.
ADMIN_OPEN = {"admin:login": Case(ALL), "admin:logout": Case(ALL)}
ADMIN_RULE = Case(COORDINATORS, "admin")

# Who can see each target object at all (within their area). Everyone else must not be able
# to tell it from one that does not exist. Within the area, 403 "only the author" is right.
# Nobody may tell a user by a link's token or uid.
SEES = {
    "ad": NOORD,
    "reply": NOORD,
    "neighbourhood": NOORD,
    "user": {"author", "worker"},
    "escalation": {"partner_staff", "worker", "coordinator"},
    "claimed": {"partner_staff", "worker", "coordinator"},
    "rule": {"coordinator"},
    "notification": {"author"},
    "confirm_token": NOBODY,
    "reset_uid": NOBODY,
    "admin": COORDINATORS,
    "": NOORD,
}


def case_for(route: Route) -> Case:
    if route.route.startswith("admin/"):
        return ADMIN_OPEN.get(route.name, ADMIN_RULE)
    return CASES[route.name]


def targets(cast) -> dict:
    """The real objects of the cast, by target name; `missing` holds a value for each that
    points at nothing."""
    escalation = Escalation.objects.create(ad=cast.ad, partner=cast.partner_staff.partner, step=1)
    # A second step of the same request, picked up: resolve and hand back need one.
    claimed = Escalation.objects.create(
        ad=cast.ad, partner=cast.partner_staff.partner, step=2, state="claimed", claimed_by=cast.partner_staff
    )
    notification = Notification.objects.create(
        recipient=cast.author,
        kind="reply.created",
        target_type="ad",
        target_id=cast.ad.pk,
        target_url=f"/advertenties/{cast.ad.pk}/",
    )
    rule = EscalationRule.objects.create(neighbourhood=cast.noord, threshold_minutes=600)
    return {
        "rule": rule.pk,
        "ad": cast.ad.pk,
        "escalation": escalation.pk,
        "claimed": claimed.pk,
        "notification": notification.pk,
        "reply": cast.conversation.replies.first().pk,
        "user": cast.author.pk,
        "neighbourhood": "noord",
        "confirm_token": signing.dumps({"u": cast.author.pk, "e": "not-the-email"}, salt=CONFIRM_SALT),
        "reset_uid": urlsafe_base64_encode(force_bytes(cast.author.pk)),
        "admin": cast.ad.pk,
        "": cast.ad.pk,
        "conversation": cast.conversation.pk,
    }


MISSING = {
    "neighbourhood": "no-such-place",
    "confirm_token": signing.dumps({"u": NONEXISTENT, "e": "not-the-email"}, salt=CONFIRM_SALT),
    "reset_uid": urlsafe_base64_encode(force_bytes(NONEXISTENT)),
}


def missing(target: str):
    return MISSING.get(target, NONEXISTENT)


def route_path(route: Route, target: str, value) -> str:
    """The route's path with `value` in place of the target's argument; the others fixed."""
    values = {"pk": value, "slug": "noord", "token": "not-a-token", "uidb64": "MQ"}
    if target == "neighbourhood":
        values["slug"] = value
    elif target == "confirm_token":
        values["token"] = value
    elif target == "reset_uid":
        values["uidb64"] = value
    admin = {"object_id": value, "content_type_id": 1, "id": value, "app_label": "accounts", "url": "nothing/"}
    return route.path(**values, **admin)
