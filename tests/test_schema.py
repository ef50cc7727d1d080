"""The OpenAPI schema: generated with no warning, valid, and served with its docs.

The same generation CI runs: `manage.py spectacular --fail-on-warn --validate`.
"""

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import path, reverse
from rest_framework.response import Response
from rest_framework.views import APIView


class UndocumentedApi(APIView):
    """drf-spectacular cannot guess what this answers: generating its schema warns."""

    def get(self, request):
        return Response({})


# A urlconf with one undocumented view, to show that the check below does fail.
urlpatterns = [path("api/v1/undocumented/", UndocumentedApi.as_view())]


def _generate(tmp_path, capsys, urlconf: str | None = None) -> dict:
    """The schema as a dict; fails the test, with drf-spectacular's messages, on any
    warning, error or validation problem."""
    out = tmp_path / "schema.yaml"
    args = ["spectacular", "--fail-on-warn", "--validate", "--file", str(out)]
    if urlconf:
        args += ["--urlconf", urlconf]
    try:
        call_command(*args)
    except CommandError as problem:
        pytest.fail(f"schema generation failed: {problem}\n{capsys.readouterr().err}")
    messages = capsys.readouterr().err
    assert "Warning" not in messages, messages
    assert "Error" not in messages, messages
    return yaml.safe_load(out.read_text())


def test_schema_generates_without_warnings_and_validates(tmp_path, capsys):
    schema = _generate(tmp_path, capsys)
    assert schema["openapi"].startswith("3.")


def test_the_check_fails_on_an_undocumented_view(tmp_path, capsys):
    with pytest.raises(pytest.fail.Exception, match="Failing as requested due to warnings"):
        _generate(tmp_path, capsys, urlconf=__name__)


def test_every_ads_operation_is_documented(tmp_path, capsys):
    paths = _generate(tmp_path, capsys)["paths"]
    operations = {
        (route, method): operation["operationId"]
        for route, item in paths.items()
        for method, operation in item.items()
    }
    assert {
        ("/api/v1/ads/", "get"): "ads_list",
        ("/api/v1/ads/", "post"): "ads_create",
        ("/api/v1/ads/{id}/", "get"): "ads_retrieve",
        ("/api/v1/ads/{id}/", "patch"): "ads_partial_update",
        ("/api/v1/ads/{id}/replies/", "get"): "ads_replies_list",
        ("/api/v1/ads/{id}/replies/", "post"): "ads_replies_create",
        ("/api/v1/ads/{id}/helper/", "post"): "ads_helper_choose",
        ("/api/v1/ads/{id}/close/", "post"): "ads_close",
        ("/api/v1/ads/{id}/withdraw/", "post"): "ads_withdraw",
        ("/api/v1/categories/", "get"): "categories_list",
    }.items() <= operations.items()
    listed = paths["/api/v1/ads/"]["get"]
    assert {p["name"] for p in listed["parameters"]} == {
        "neighbourhood",
        "kind",
        "category",
        "status",
        "q",
        "cursor",
        "page_size",
    }
    assert listed["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AdListPage"
    }


@pytest.mark.django_db
def test_schema_endpoint_answers(client):
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    assert b"/api/v1/ads/" in response.content


@pytest.mark.django_db
def test_docs_page_answers(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


LISTS = {
    "ads_list",
    "ads_events_list",
    "ads_replies_list",
    "categories_list",
    "escalation_rules_list",
    "escalations_list",
    "municipalities_list",
    "neighbourhoods_list",
    "notifications_list",
}


def test_every_list_answers_results_and_a_next_link(tmp_path, capsys):
    schema = _generate(tmp_path, capsys)
    components = schema["components"]["schemas"]
    lists, arrays = {}, []
    for route, item in schema["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                body = response.get("content", {}).get("application/json", {}).get("schema", {})
                if status.startswith("2") and body.get("type") == "array":
                    arrays.append((method, route))
            if operation["operationId"].endswith("_list"):
                ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
                lists[operation["operationId"]] = components[ref.rsplit("/", 1)[1]]
    assert arrays == [], "a list answers an object with results and next, not a bare array"
    assert set(lists) == LISTS
    for name, page in lists.items():
        fields = page["properties"]
        assert fields["results"]["type"] == "array", name
        assert fields["next"]["format"] == "uri" and fields["next"]["nullable"] is True, name
        assert {"results", "next"} <= set(page["required"]), name
    assert set(lists["notifications_list"]["properties"]) == {"results", "next", "unread"}
