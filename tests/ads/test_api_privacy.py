"""What the ads API tells about a person: a resident's consent to be contacted by a care
organisation is for them and the neighbourhood's workers, not for every neighbour."""

import pytest
from django.urls import reverse

from tests.conftest import api_as

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("author", True), ("worker", True), ("responder", None), ("neighbour", None)],
)
def test_escalation_consent_is_shown_to_the_author_and_workers_only(cast, persona, shown):
    cast.ad.escalation_consent = True
    cast.ad.save(update_fields=["escalation_consent"])
    response = api_as(getattr(cast, persona)).get(reverse("api-ad", args=[cast.ad.pk]))
    assert response.status_code == 200
    assert response.json()["escalation_consent"] is shown


def test_a_neighbour_cannot_tell_consent_from_no_consent(cast):
    answers = []
    for consent in (True, False):
        cast.ad.escalation_consent = consent
        cast.ad.save(update_fields=["escalation_consent"])
        answers.append(api_as(cast.neighbour).get(reverse("api-ad", args=[cast.ad.pk])).json())
    assert answers[0] == answers[1]
