"""Deny by default in the API: every API view names its permissions, and every
serializer lists its fields."""

from django.urls import get_resolver
from rest_framework import serializers
from rest_framework.views import APIView

from tests.security.urlwalk import project_routes


def _api_views() -> dict[str, type[APIView]]:
    views = {}
    resolver = get_resolver()
    for route in project_routes():
        if not route.is_api:
            continue
        match = resolver.resolve(route.path(pk=1))
        view_class = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
        if view_class is not None and issubclass(view_class, APIView):
            views[route.name] = view_class
    return views


def _declares(view_class: type, attribute: str) -> bool:
    # Declared on the class or one of its own bases, not inherited from DRF's APIView.
    ours = [klass for klass in view_class.__mro__ if klass.__module__.split(".")[0] != "rest_framework"]
    return any(attribute in vars(klass) for klass in ours)


def test_every_api_view_declares_its_permissions_or_relies_on_the_authenticated_default() -> None:
    views = _api_views()
    assert len(views) > 15
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] == ["rest_framework.permissions.IsAuthenticated"]
    # A view that opens up (AllowAny or an empty list) must say so itself, and be on this list.
    public = {"api-token", "api-neighbourhoods", "api-schema", "api-docs"}
    for name, view_class in views.items():
        permissions = view_class.permission_classes
        names = {p.__name__ for p in permissions}
        if not permissions or "AllowAny" in names:
            assert name in public and _declares(view_class, "permission_classes"), name


def _serializer_classes() -> list[type]:
    found, todo = set(), [serializers.BaseSerializer]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    ours = ("accounts", "ads", "notifications", "samsam")
    return [cls for cls in found if cls.__module__.split(".")[0] in ours]


def _unlisted_fields(classes: list[type]) -> list[type]:
    bad = []
    for cls in classes:
        meta = getattr(cls, "Meta", None)
        if meta is None:
            continue
        fields = getattr(meta, "fields", None)
        listed = isinstance(fields, list | tuple) and bool(fields)
        if hasattr(meta, "exclude") or (issubclass(cls, serializers.ModelSerializer) and not listed):
            bad.append(cls)
    return bad


def test_serializers_list_their_fields() -> None:
    _api_views()  # imports every API module, so every serializer class exists
    classes = _serializer_classes()
    assert len(classes) > 10
    assert _unlisted_fields(classes) == []


def test_the_check_catches_all_fields_and_exclude() -> None:
    from accounts.models import User

    class Leaky(serializers.ModelSerializer):
        class Meta:
            model = User
            fields = "__all__"

    class Excluding(serializers.ModelSerializer):
        class Meta:
            model = User
            exclude = ["password"]

    assert _unlisted_fields([Leaky, Excluding]) == [Leaky, Excluding]
