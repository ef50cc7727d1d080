"""Field types and output shapes for the accounts API. No rules live here: they are in
services.py and permissions.py. (accounts imports no other app, so the few field types
that ads and notifications share are declared here, once.)"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request

from accounts.models import User
from accounts.permissions import is_coordinator


class TextField(serializers.CharField):
    """Takes only text: a number or a list where text belongs is a 400, not a string."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictInputSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo or a read-only field is a clear 400
    instead of being ignored in silence."""

    ignored = frozenset({"csrfmiddlewaretoken"})  # sent by the browsable API's forms

    def to_internal_value(self, data: Any) -> dict:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields) - self.ignored)
            if unknown:
                raise serializers.ValidationError({name: [_("This field does not exist here.")] for name in unknown})
        return super().to_internal_value(data)


CURSOR_MAX = 2**63 - 1  # cursors are bigint ids


class SinceField(serializers.IntegerField):
    """`?since=<cursor>` of a live list (an ad's events, notifications): the last
    cursor the client has seen; 0, the default, for everything."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", 0)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", CURSOR_MAX)
        kwargs.setdefault(
            "help_text", _("The last cursor you have seen (from a push or from this list); 0 for everything.")
        )
        super().__init__(**kwargs)


# Every list of the API ---------------------------------------------------------------------
# One shape: {"results": [...], "next": <link> | null, ...extra keys a list needs}. `next`
# is the whole URL of the following page (its cursor inside), null on the last page; a
# client follows it as it is. A list that fits on one page answers next: null.

NEXT_HELP = _("The following page: follow this link as it is. Null on the last page.")


def page_serializer(
    component_name: str, results: serializers.Serializer, **extra: serializers.Field
) -> type[serializers.Serializer]:
    """Documents a list's shape in the schema: `results` (many of an item serializer),
    `next`, and the list's extra keys."""
    fields = {"results": results, "next": serializers.URLField(allow_null=True, help_text=NEXT_HELP), **extra}
    serializer = type(f"{component_name}Serializer", (serializers.Serializer,), fields)
    return extend_schema_serializer(component_name=component_name)(serializer)


def page_body(results: list, next_url: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"results": results, "next": next_url, **extra}


def next_link(request: Request, **params: Any) -> str:
    """This list's URL with its query as the client sent it, `params` set (the cursor)."""
    query = request.query_params.copy()
    for name, value in params.items():
        query[name] = str(value)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@extend_schema_serializer(component_name="NeighbourhoodRef")
class NeighbourhoodRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="PartnerRef")
class PartnerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="Me")
class MeOutputSerializer(serializers.Serializer):
    """The caller's own account. Phone and street are private: only the caller sees them here."""

    id = serializers.IntegerField()
    email = serializers.EmailField(allow_null=True)
    email_confirmed = serializers.BooleanField()
    display_name = serializers.CharField()
    phone = serializers.CharField()
    street = serializers.CharField()
    postcode = serializers.CharField()
    language = serializers.ChoiceField(choices=User.Language.choices)
    neighbourhood = NeighbourhoodRefSerializer(allow_null=True, help_text=_("Home, decided by the postcode."))
    works_in = serializers.SerializerMethodField(
        help_text=_("The neighbourhoods you work in as a neighbourhood worker.")
    )
    partner = PartnerRefSerializer(allow_null=True, help_text=_("The partner organisation you work for, if any."))
    is_coordinator = serializers.SerializerMethodField(help_text=_("You coordinate a municipality or a region."))

    def get_is_coordinator(self, user: User) -> bool:
        return is_coordinator(user)

    @extend_schema_field(NeighbourhoodRefSerializer(many=True))
    def get_works_in(self, user: User) -> list:
        return NeighbourhoodRefSerializer(self.context["works_in"], many=True).data
