#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsam.settings")
    if not os.environ.get("SECRET_KEY"):
        # No environment at all is the embedded default of a developer's machine (see
        # bin/dev); production sets SECRET_KEY, and there DEBUG stays off unless asked.
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
