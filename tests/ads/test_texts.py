"""Texts a person reads in ads' API docs and forms are marked for translation."""

import ast
from pathlib import Path

ADS = Path(__file__).resolve().parents[2] / "ads"
# Keyword arguments whose value people read: in the API docs, on forms, in the admin.
READ_BY_PEOPLE = {"summary", "description", "help_text", "label", "empty_label", "verbose_name", "message"}


def _plain_texts(source: str) -> list[tuple[int, str]]:
    """(line, keyword) of each read-by-people keyword given a bare string literal."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg in READ_BY_PEOPLE and isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.append((node.lineno, keyword.arg))
    return found


def test_the_check_finds_a_bare_description():
    assert _plain_texts('extend_schema(description="Not wrapped")') == [(1, "description")]
    assert _plain_texts('extend_schema(description=_("Wrapped"))') == []


def test_api_docs_and_form_texts_of_ads_are_translatable():
    problems = [
        f"{path.relative_to(ADS.parent)}:{line} {keyword}"
        for path in sorted(ADS.rglob("*.py"))
        if "migrations" not in path.parts and "management" not in path.parts
        for line, keyword in _plain_texts(path.read_text())
    ]
    assert problems == []
