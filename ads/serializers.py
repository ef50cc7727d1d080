"""Field types and output shapes that several ads API views share.

Each view in ads/api.py declares its own Input/Output serializers; what more than
one view returns (an ad, a conversation, a reply) is declared once here. No rules
live here: they are in services.py and permissions.py.
"""

import copy
from datetime import UTC
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

# StrictInputSerializer and TextField are declared once in accounts; ads' views import them from here.
from accounts.serializers import StrictInputSerializer as StrictInputSerializer
from accounts.serializers import TextField as TextField
from accounts.serializers import page_serializer
from ads.models import Ad, Conversation, Reply
from ads.permissions import can_see_escalation_consent, conversations_visible_to, is_author


class UtcDateTimeField(serializers.DateTimeField):
    """Instants in UTC ("…Z"): the same form the list endpoint writes with orjson."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(**kwargs)


class ConversationField(serializers.PrimaryKeyRelatedField):
    """A conversation on the ad in the context that the caller may see. Any other id
    gets the same message, so an id tells nothing about other people's conversations."""

    queryset = Conversation.objects.none()  # the real scope comes from get_queryset
    default_error_messages = {
        "does_not_exist": _("There is no such conversation on this ad."),
        "incorrect_type": _("Give the number of a conversation."),
    }

    def get_queryset(self):
        return conversations_visible_to(user=self.context["user"], ad=self.context["ad"])


class ShallowFieldsSerializer(serializers.Serializer):
    """For an input serializer on a hot path: each instance gets shallow copies of the
    declared fields. DRF deep-copies them (re-creating every field from deep-copied
    arguments, choices and all), which for the list's filters cost more than its query.
    Safe while no field keeps state of its own beyond what bind() sets on the copy."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}


@extend_schema_serializer(component_name="Error")
class ErrorOutputSerializer(serializers.Serializer):
    detail = serializers.CharField()


@extend_schema_serializer(component_name="Category")
class CategoryOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField(help_text=_("In the language of the request."))


@extend_schema_serializer(component_name="Ad")
class AdOutputSerializer(serializers.Serializer):
    """One ad as its readers see it. The author shows by display name only."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Ad.Kind.choices)
    category = serializers.SlugField(source="category.slug")
    title = serializers.CharField()
    description = serializers.CharField()
    neighbourhood = serializers.SlugField(source="neighbourhood.slug")
    urgency = serializers.ChoiceField(choices=Ad.Urgency.choices)
    wanted_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Ad.Status.choices)
    moderation = serializers.ChoiceField(choices=Ad.Moderation.choices)
    escalation_consent = serializers.SerializerMethodField(
        help_text=_(
            "A partner may contact the resident. Only for the author and the neighbourhood's workers; null for others."
        )
    )
    author_name = serializers.CharField(source="author.display_name")
    helper_name = serializers.CharField(source="helper.display_name", allow_null=True)
    is_mine = serializers.SerializerMethodField(help_text=_("The caller placed this ad (or placed it for someone)."))
    thanks = serializers.CharField()
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    expires_at = UtcDateTimeField()
    closed_at = UtcDateTimeField(allow_null=True)

    def get_is_mine(self, ad: Ad) -> bool:
        return is_author(self.context["user"], ad)

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_escalation_consent(self, ad: Ad) -> bool | None:
        return ad.escalation_consent if can_see_escalation_consent(self.context["user"], ad) else None


@extend_schema_serializer(component_name="Reply")
class ReplyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    conversation = serializers.IntegerField(source="conversation_id")
    author_name = serializers.CharField(source="author.display_name")
    is_mine = serializers.SerializerMethodField(help_text=_("The caller wrote this reply."))
    body = serializers.CharField()
    created_at = UtcDateTimeField()

    def get_is_mine(self, reply: Reply) -> bool:
        return reply.author_id == self.context["user"].pk


@extend_schema_serializer(component_name="Conversation")
class ConversationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    responder_name = serializers.CharField(source="responder.display_name")
    is_helper = serializers.SerializerMethodField(help_text=_("The author chose this responder as helper."))
    created_at = UtcDateTimeField()
    last_reply_at = UtcDateTimeField()
    replies = ReplyOutputSerializer(many=True)

    def get_is_helper(self, conversation: Conversation) -> bool:
        return conversation.responder_id == self.context["ad"].helper_id


@extend_schema_serializer(component_name="AdListItem")
class AdListItemSerializer(serializers.Serializer):
    """Documents one item of the ads list; the list itself is shaped by ad_list_item."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Ad.Kind.choices)
    category = serializers.SlugField()
    title = serializers.CharField()
    description = serializers.CharField()
    neighbourhood = serializers.SlugField()
    urgency = serializers.ChoiceField(choices=Ad.Urgency.choices)
    wanted_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Ad.Status.choices)
    created_at = UtcDateTimeField()
    expires_at = UtcDateTimeField()


AdListPageSerializer = page_serializer("AdListPage", AdListItemSerializer(many=True))


def ad_list_item(row: dict[str, Any]) -> dict[str, Any]:
    """A row of ads.selectors.ad_list_rows in the shape AdListItemSerializer documents.

    A plain function, not a serializer: the list is the hot path and this is about 100 times cheaper."""
    return {
        "id": row["id"],
        "kind": row["kind"],
        "category": row["category__slug"],
        "title": row["title"],
        "description": row["description"],
        "neighbourhood": row["neighbourhood__slug"],
        "urgency": row["urgency"],
        "wanted_on": row["wanted_on"],
        "status": row["status"],
        "created_at": row["created_at"],
        "expires_at": row["expires_at"],
    }
