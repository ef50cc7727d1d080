#!/usr/bin/env python3
"""Fail unless a pytest JUnit XML report shows tests that ran and none that skipped.

Usage: bin/check_test_results.py var/test-results.xml
"""

import sys
import xml.etree.ElementTree as ET


def main(path: str) -> int:
    root = ET.parse(path).getroot()  # noqa: S314 - our own pytest's report, not untrusted input
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    keys = ("tests", "skipped", "failures", "errors")
    totals = {key: sum(int(suite.get(key, 0)) for suite in suites) for key in keys}
    print("CI: " + ", ".join(f"{value} {key}" for key, value in totals.items()))
    skipped = [
        f"{case.get('classname')}::{case.get('name')}: {case.find('skipped').get('message', '')}"
        for suite in suites
        for case in suite.iter("testcase")
        if case.find("skipped") is not None
    ]
    for line in skipped:
        print(f"CI: skipped {line}", file=sys.stderr)
    if totals["tests"] == 0:
        print("CI: no test ran", file=sys.stderr)
        return 1
    if skipped or totals["skipped"]:
        print("CI: a skipped test is a failure here", file=sys.stderr)
        return 1
    return 1 if totals["failures"] or totals["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
