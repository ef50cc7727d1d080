"""Dutch is the default language: every string a person reads has a Dutch translation.

Source strings are English, so the English side is complete by construction; these
tests make sure the Dutch catalogue covers every marked string and is compiled."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "nl" / "LC_MESSAGES" / "django.po"


def test_dutch_catalogue_is_complete():
    catalogue = polib.pofile(str(PO))
    missing = [entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()]
    assert missing == [], f"untranslated or fuzzy: {missing[:20]}"


def test_compiled_catalogue_matches_the_source():
    source = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(PO)) if e.translated()}
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(PO.with_suffix(".mo")))}
    assert {k: v for k, v in source.items() if compiled.get(k) != v} == {}


def test_every_marked_string_is_in_the_catalogue(tmp_path):
    # Extract afresh into a copy and compare: a new gettext() call without a Dutch
    # translation fails here instead of showing English to Dutch residents.
    for item in Path(settings.BASE_DIR).iterdir():
        if item.name not in {".venv", "var", "locale", ".git", "node_modules"}:
            (tmp_path / item.name).symlink_to(item)
    shutil.copytree(LOCALE, tmp_path / "locale")
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "nl",
            "--no-obsolete",
            "--symlinks",  # the copy links to the sources; without this nothing is extracted
            "--ignore=.venv/*",
            "--ignore=var/*",
            "--ignore=tests/*",
            "--ignore=bench/*",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(tmp_path / "locale/nl/LC_MESSAGES/django.po")) if not e.obsolete}
    known = {e.msgid for e in polib.pofile(str(PO)) if e.translated()}
    assert len(fresh) > 300, "the extraction found (almost) nothing: the check would be empty"
    assert sorted(fresh - known) == []
