"""Postcodes: which neighbourhood each belongs to, loaded in bulk from a file, and the
postcodes of sign-ups that found no neighbourhood (the ones to add)."""

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Municipality, Neighbourhood, Postcode, PostcodeMiss
from accounts.selectors import postcode_parse

MISSES_KEPT = timedelta(days=30)
HEADER = ("postcode", "neighbourhood", "municipality")


def postcode_miss_record(*, postcode: str, now: datetime | None = None) -> None:
    """A sign-up found no neighbourhood for this postcode: keep the postcode only."""
    parsed = postcode_parse(postcode)
    if parsed is not None:
        PostcodeMiss.objects.create(digits=parsed[0], letters=parsed[1], created_at=now or timezone.now())


def postcode_misses_purge(*, now: datetime | None = None) -> int:
    """Forget misses older than the page shows. Idempotent."""
    deleted, _per_model = PostcodeMiss.objects.filter(created_at__lt=(now or timezone.now()) - MISSES_KEPT).delete()
    return deleted


# Import -----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    postcodes_created: int = 0
    neighbourhoods_created: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[int] = field(default_factory=list)  # empty lines
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, what is wrong)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class _RowError(Exception):
    pass


class _Importer:
    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.seen: dict[tuple[str, str], int] = {}  # postcode → the line it was first on
        self.municipalities = list(Municipality.objects.all())

    def municipality(self, value: str) -> Municipality:
        key = value.strip().lower()
        for municipality in self.municipalities:
            if key in {municipality.cbs_code.lower(), municipality.slug, municipality.name.lower()} - {""}:
                return municipality
        raise _RowError(_("Municipality %(name)s is unknown.") % {"name": value.strip() or "…"})

    def neighbourhood(self, name: str, municipality: Municipality) -> tuple[Neighbourhood, bool]:
        name = " ".join(name.split())
        if not name:
            raise _RowError(_("The neighbourhood is missing."))
        found = Neighbourhood.objects.filter(
            Q(name__iexact=name) | Q(slug=slugify(name)), municipality=municipality
        ).first()
        if found:
            return found, False
        slug = slugify(name)[:60] or "buurt"
        if Neighbourhood.objects.filter(slug=slug).exists():
            slug = f"{slug}-{municipality.slug}"[:60]
        if Neighbourhood.objects.filter(slug=slug).exists():
            raise _RowError(_("Another neighbourhood already uses the name %(name)s.") % {"name": name})
        return Neighbourhood.objects.create(name=name, slug=slug, municipality=municipality), True

    def row(self, number: int, cells: list[str]) -> None:
        if len(cells) != len(HEADER):
            raise _RowError(_("Expected 3 fields separated by ';': postcode;neighbourhood;municipality."))
        raw_postcode, neighbourhood_name, municipality_name = cells
        parsed = postcode_parse(raw_postcode)
        if parsed is None:
            raise _RowError(
                _("%(value)s is not a postcode: use 4 digits, or 4 digits and 2 letters.")
                % {"value": raw_postcode.strip() or "…"}
            )
        if parsed in self.seen:
            raise _RowError(_("This postcode is already on line %(line)d.") % {"line": self.seen[parsed]})
        self.seen[parsed] = number
        municipality = self.municipality(municipality_name)
        neighbourhood, created = self.neighbourhood(neighbourhood_name, municipality)
        digits, letters = parsed
        existing = Postcode.objects.select_related("neighbourhood").filter(digits=digits, letters=letters).first()
        if existing is None:
            Postcode.objects.create(neighbourhood=neighbourhood, digits=digits, letters=letters)
            self.report.postcodes_created += 1
        elif existing.neighbourhood_id == neighbourhood.pk:
            self.report.unchanged += 1
        else:
            raise _RowError(_("This postcode already belongs to %(name)s.") % {"name": existing.neighbourhood.name})
        if created:  # only now: a row that fails takes its new neighbourhood back with it
            self.report.neighbourhoods_created.append(neighbourhood.name)


def postcodes_import(*, lines: Iterable[str], dry_run: bool = False) -> ImportReport:
    """Load `postcode;neighbourhood;municipality` rows (a header line is allowed).
    Creates missing neighbourhoods and postcodes; a row that is already there changes
    nothing, so a second run changes nothing. A bad row is reported with its line number
    and the rest goes on; all of it is one transaction, rolled back for a dry run."""
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        importer = _Importer(report)
        for number, cells in enumerate(csv.reader(lines, delimiter=";"), start=1):
            cells = [cell.strip().lstrip("\ufeff") for cell in cells]
            if not any(cells):
                report.skipped.append(number)
                continue
            if number == 1 and tuple(cell.lower() for cell in cells) == HEADER:
                continue
            try:
                with transaction.atomic():
                    importer.row(number, cells)
            except _RowError as error:
                report.errors.append((number, str(error)))
        if dry_run:
            transaction.set_rollback(True)
    return report
