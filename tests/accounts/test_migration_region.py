"""The region's migrations, from the schema before it, with data: every row is kept, the
free-text municipality becomes a Municipality, coordinators keep their reach, and a
partner's neighbourhoods times its categories become its coverage pairs."""

import pytest

BEFORE = [("accounts", "0005_audit_append_only_trigger"), ("ads", "0011_webhook_delivery_cancelled")]
AFTER = [("accounts", "0009_remove_partner_neighbourhoods"), ("ads", "0015_coordinators_group")]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_region_migrations_keep_every_row(migrator):
    old = migrator.apply_initial_migration(BEFORE).apps
    Neighbourhood = old.get_model("accounts", "Neighbourhood")
    User = old.get_model("accounts", "User")
    Partner = old.get_model("accounts", "Partner")
    Category = old.get_model("ads", "Category")
    Ad = old.get_model("ads", "Ad")
    Rule = old.get_model("ads", "EscalationRule")
    noord = Neighbourhood.objects.create(name="Noord", slug="noord", municipality="Utrecht")
    zuid = Neighbourhood.objects.create(name="Zuid", slug="zuid", municipality="Utrecht")
    bilthoven = Neighbourhood.objects.create(name="Bilthoven", slug="bilthoven", municipality="De Bilt")
    coco = User.objects.create(email="coco@example.org", display_name="Coco", is_coordinator=True, password="!")
    anna = User.objects.create(email="anna@example.org", display_name="Anna", neighbourhood=noord, password="!")
    care = Partner.objects.create(name="Thuiszorg", slug="thuiszorg")
    care.neighbourhoods.add(noord, bilthoven)
    groceries, company = Category.objects.get(slug="boodschappen"), Category.objects.get(slug="gezelschap")
    groceries.partners.add(care)
    company.partners.add(care)
    Rule.objects.create(neighbourhood=zuid, threshold_minutes=90)
    Ad.objects.create(
        kind="request", category=groceries, title="Boodschappen", description="Graag", neighbourhood=noord, author=anna
    )

    new = migrator.apply_tested_migration(AFTER).apps
    Neighbourhood = new.get_model("accounts", "Neighbourhood")
    Municipality = new.get_model("accounts", "Municipality")
    CoordinatorRole = new.get_model("accounts", "CoordinatorRole")
    Partner = new.get_model("accounts", "Partner")
    User = new.get_model("accounts", "User")
    Coverage = new.get_model("ads", "Coverage")
    places = dict(Neighbourhood.objects.values_list("slug", "municipality__name"))
    assert places == {"noord": "Utrecht", "zuid": "Utrecht", "bilthoven": "De Bilt"}
    assert set(Municipality.objects.values_list("name", "slug", "cbs_code")) == {
        ("Utrecht", "utrecht", "GM0344"),
        ("De Bilt", "de-bilt", "GM0310"),
    }
    assert Municipality.objects.values("region").distinct().count() == 1
    region = Municipality.objects.get(slug="utrecht").region
    role = CoordinatorRole.objects.get(user__email="coco@example.org")
    assert (role.region_id, role.municipality_id) == (region.pk, None)
    coco = User.objects.get(email="coco@example.org")
    assert coco.is_staff and list(coco.groups.values_list("name", flat=True)) == ["Coordinators"]
    assert Partner.objects.get(slug="thuiszorg").region_id == region.pk
    pairs = set(Coverage.objects.values_list("partner__slug", "neighbourhood__slug", "category__slug"))
    assert pairs == {("thuiszorg", n, c) for n in ("noord", "bilthoven") for c in ("boodschappen", "gezelschap")}
    assert new.get_model("ads", "EscalationRule").objects.get().neighbourhood.slug == "zuid"
    assert new.get_model("ads", "Ad").objects.get().author.email == "anna@example.org"
    assert User.objects.count() == 2 and Neighbourhood.objects.count() == 3


def test_an_empty_database_gets_no_region(migrator):
    migrator.apply_initial_migration(BEFORE)
    new = migrator.apply_tested_migration(AFTER).apps
    assert not new.get_model("accounts", "Region").objects.exists()
    assert new.get_model("auth", "Group").objects.filter(name="Coordinators").exists()
