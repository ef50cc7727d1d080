"""Postcodes: the import command, the coordinators' page, and sign-ups that found no
neighbourhood."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Neighbourhood, Postcode, PostcodeMiss
from accounts.services import user_sign_up
from accounts.services_postcodes import postcode_misses_purge
from tests import factories
from tests.conftest import client_for

MIXED = (
    "postcode;neighbourhood;municipality\n"  # 1: the header
    "3551;Noord;Utrecht\n"  # 2: good (Noord exists)
    "3721;Bilthoven;de-bilt\n"  # 3: good, a new neighbourhood of De Bilt
    "3551;Noord;Utrecht\n"  # 4: the same postcode again
    "3811;Centrum;Amersfoort\n"  # 5: an unknown municipality
    "35X1;Noord;Utrecht\n"  # 6: not a postcode
    "\n"  # 7: empty
    "3722 ab;Bilthoven;De Bilt\n"  # 8: good, a PC6 range
    "3552;Noord\n"  # 9: a field missing
)


@pytest.fixture
def places(cast):
    factories.MunicipalityFactory(slug="de-bilt", name="De Bilt")
    return cast


def _import(tmp_path: Path, text: str, *args: str) -> tuple[str, str]:
    path = tmp_path / "postcodes.csv"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_postcodes", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _state() -> list:
    return sorted(Postcode.objects.values_list("digits", "letters", "neighbourhood__slug")) + sorted(
        Neighbourhood.objects.values_list("slug", "municipality__slug")
    )


def test_good_rows_land_and_bad_ones_are_reported_by_line(places, tmp_path):
    out, err = _import(tmp_path, MIXED)
    assert err.splitlines() == [
        "line 4: This postcode is already on line 2.",
        "line 5: Municipality Amersfoort is unknown.",
        "line 6: 35X1 is not a postcode: use 4 digits, or 4 digits and 2 letters.",
        "line 9: Expected 3 fields separated by ';': postcode;neighbourhood;municipality.",
    ]
    assert "line 7: empty, skipped" in out
    assert "created 3 postcodes and 1 neighbourhoods (Bilthoven); 0 already there; 4 bad lines" in out
    postcodes = set(Postcode.objects.values_list("digits", "letters", "neighbourhood__slug"))
    assert postcodes == {("3551", "", "noord"), ("3721", "", "bilthoven"), ("3722", "AB", "bilthoven")}
    assert Neighbourhood.objects.get(slug="bilthoven").municipality.name == "De Bilt"


def test_running_it_twice_changes_nothing(places, tmp_path):
    _import(tmp_path, MIXED)
    before = _state()
    out, _err = _import(tmp_path, MIXED)
    assert _state() == before
    assert "created 0 postcodes and 0 neighbourhoods; 3 already there" in out


def test_a_dry_run_writes_nothing(places, tmp_path):
    before = _state()
    out, err = _import(tmp_path, MIXED, "--dry-run")
    assert "would create 3 postcodes and 1 neighbourhoods" in out and "Dry run: nothing was stored." in out
    assert "line 5: Municipality Amersfoort is unknown." in err
    assert _state() == before


def test_a_postcode_of_another_neighbourhood_is_not_moved(places, tmp_path):
    factories.PostcodeFactory(neighbourhood=places.zuid, digits="3551")
    _out, err = _import(tmp_path, "3551;Noord;Utrecht\n")
    assert err.strip() == "line 1: This postcode already belongs to Zuid."
    assert Postcode.objects.get(digits="3551").neighbourhood == places.zuid


def test_names_are_matched_without_case_and_a_header_is_optional(places, tmp_path):
    _import(tmp_path, "3561 AB;OVERVECHT;utrecht\n3561;overvecht;GM0344\n")
    assert Neighbourhood.objects.filter(municipality__slug="utrecht", slug="overvecht").count() == 1
    assert Postcode.objects.filter(neighbourhood__slug="overvecht").count() == 2


def test_an_unreadable_file_is_a_clear_error(places, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_postcodes", str(tmp_path / "missing.csv"), stdout=StringIO())
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00\x00")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_postcodes", str(tmp_path / "binary.csv"), stdout=StringIO())


def test_a_sign_up_without_a_neighbourhood_leaves_only_its_postcode(places):
    with pytest.raises(Exception, match="not active in your neighbourhood"):
        user_sign_up(email="new@example.org", password="een-lang-wachtwoord", display_name="Nieuw", postcode="3581 kd")
    miss = PostcodeMiss.objects.get()
    assert (miss.digits, miss.letters) == ("3581", "KD")
    assert [f.name for f in PostcodeMiss._meta.fields] == ["id", "digits", "letters", "created_at"]  # nothing else


def test_misses_older_than_30_days_are_forgotten(places):
    PostcodeMiss.objects.create(digits="3581", created_at=timezone.now() - timedelta(days=31))
    PostcodeMiss.objects.create(digits="3582", created_at=timezone.now() - timedelta(days=29))
    assert postcode_misses_purge() == 1
    assert list(PostcodeMiss.objects.values_list("digits", flat=True)) == ["3582"]
    assert postcode_misses_purge() == 0


def test_the_postcode_page_shows_the_map_and_the_misses_of_the_scope(places):
    utrecht = places.noord.municipality
    debilt = factories.MunicipalityFactory(slug="de-bilt")
    bilthoven = factories.NeighbourhoodFactory(slug="bilthoven", name="Bilthoven", municipality=debilt)
    factories.PostcodeFactory(neighbourhood=places.noord, digits="3551")
    factories.PostcodeFactory(neighbourhood=bilthoven, digits="3721")
    for digits in ("3581", "3581", "3731", "9999"):
        PostcodeMiss.objects.create(digits=digits)
    PostcodeMiss.objects.create(digits="3582", created_at=timezone.now() - timedelta(days=40))
    gijs = factories.coordinator(municipality=utrecht)
    page = client_for(gijs).get("/coordinatie/postcodes/")
    assert page.status_code == 200
    misses = [row["digits"] for row in page.context["misses"]]
    assert misses == ["3581"]  # Utrecht's postcode area only, not De Bilt's or far away, nor old ones
    assert page.context["misses"][0]["tries"] == 2
    assert "Noord" in page.text and "3551" in page.text and "Bilthoven" not in page.text
    everything = client_for(places.coordinator).get("/coordinatie/postcodes/")
    assert [row["digits"] for row in everything.context["misses"]] == ["3581", "3731", "9999"]
    assert "Bilthoven" in everything.text and "3721" in everything.text


def test_the_postcode_page_for_one_municipality(places):
    gijs = factories.coordinator(municipality=places.noord.municipality)
    assert client_for(gijs).get("/coordinatie/postcodes/?gemeente=utrecht").status_code == 200
    outside = client_for(gijs).get("/coordinatie/postcodes/?gemeente=de-bilt")
    missing = client_for(gijs).get("/coordinatie/postcodes/?gemeente=nergens")
    assert outside.status_code == missing.status_code == 404
    assert client_for(places.coordinator).get("/coordinatie/postcodes/?gemeente=de-bilt").status_code == 200


@pytest.mark.parametrize("role", ["author", "worker", "partner_staff"])
def test_the_postcode_page_is_for_coordinators(places, role):
    response = client_for(getattr(places, role)).get("/coordinatie/postcodes/")
    assert response.status_code == 403
    assert "Only coordinators can open this page." in response.text
