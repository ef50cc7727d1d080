"""manage.py import_postcodes FILE.csv [--dry-run]: which neighbourhood each postcode belongs to."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services_postcodes import postcodes_import


class Command(BaseCommand):
    help = (
        "Load postcode;neighbourhood;municipality rows (PC4 like 3551, or PC6 like 3551 AB). Creates missing "
        "neighbourhoods and postcodes, reports bad rows by line and goes on; running it twice changes nothing. "
        "The municipality is given by name, slug or CBS code and must exist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A UTF-8 file with ;-separated rows.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report, but store nothing.")

    def handle(self, *args, file: Path, dry_run: bool, **options) -> None:
        try:
            with file.open(encoding="utf-8-sig", newline="") as lines:
                report = postcodes_import(lines=lines, dry_run=dry_run)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        for number, message in report.errors:
            self.stderr.write(f"line {number}: {message}")
        for number in report.skipped:
            self.stdout.write(f"line {number}: empty, skipped")
        verb = "would create" if dry_run else "created"
        self.stdout.write(
            f"{verb} {report.postcodes_created} postcodes and {len(report.neighbourhoods_created)} neighbourhoods"
            f"{' (' + ', '.join(report.neighbourhoods_created) + ')' if report.neighbourhoods_created else ''}; "
            f"{report.unchanged} already there; {len(report.errors)} bad lines not imported."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was stored.")
