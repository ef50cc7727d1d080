"""Moderation pieces of the ad page: the state notice with the worker's reason, the
report forms and links, the "known to" badge. Each asks a permission helper or selector."""

from django import template

from accounts.models import User
from accounts.permissions import is_worker_of
from ads.models import Ad, Reply
from ads.moderation import selectors
from ads.moderation.forms import ReportForm
from ads.moderation.models import Report
from ads.moderation.permissions import wrote_it
from ads.permissions import is_author

register = template.Library()


@register.inclusion_tag("moderation/_ad_notice.html", takes_context=True)
def moderation_notice(context: template.Context, ad: Ad) -> dict:
    """For the author and the neighbourhood's workers: why the ad is pending or hidden,
    and the last decision with its reason."""
    user = context["user"]
    involved = is_author(user, ad) or is_worker_of(user, ad.neighbourhood_id)
    return {
        "ad": ad,
        "show": involved,
        "is_worker": is_worker_of(user, ad.neighbourhood_id),
        "decision": selectors.latest_decision(ad=ad) if involved else None,
    }


@register.inclusion_tag("moderation/_report_ad.html", takes_context=True)
def report_ad_form(context: template.Context, ad: Ad) -> dict:
    user = context["user"]
    mine = wrote_it(user, ad)
    reported = not mine and None in selectors.reports_by(reporter=user, ad=ad)
    form = None if mine or reported else ReportForm(auto_id="id_report_%s")
    return {"ad": ad, "form": form, "reported": reported, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("moderation/_reply_tools.html", takes_context=True)
def reply_tools(context: template.Context, ad: Ad, reply: Reply) -> dict:
    user = context["user"]
    return {
        "reply": reply,
        "hidden": reply.moderation == Reply.Moderation.HIDDEN,
        "can_report": not wrote_it(user, ad, reply),
        "is_worker": is_worker_of(user, ad.neighbourhood_id),
    }


@register.inclusion_tag("moderation/_known_badge.html")
def known_badge(person: User | None) -> dict:
    return {"known_to": getattr(person, "known_to", "")}


@register.filter
def report_reason(code: str) -> str:
    return str(dict(Report.Reason.choices).get(code, code))
