"""The layout holds, and the checks that guard it can fail.

`make lint` runs import-linter's contracts (.importlinter); here they run on a copy of
the code with deliberate faults, so a contract that could never break would show. An
import check cannot see a string: the lower apps are also read for the higher apps' words.
"""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import translation

from ads.escalation.models import Escalation
from ads.models import Ad, AdEvent, Reply
from notifications import messages

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("accounts", "ads", "notifications", "samsam", "bench")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _copy(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120)


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text() + f"\n{line}\n")


def test_the_copy_keeps_every_contract(tmp_path) -> None:
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_each_contract_breaks_on_a_wrong_arrow(tmp_path) -> None:
    root = _copy(tmp_path)
    _append(root / "ads" / "services.py", "from ads import views  # noqa")  # a service imports an edge
    _append(root / "ads" / "escalation" / "services.py", "from ads import api  # noqa")  # the same, across packages
    _append(root / "accounts" / "services.py", "from ads import models  # noqa")  # a lower app imports a higher one
    (root / "notifications" / "helpers.py").write_text('"""A module that picked no layer."""\n')
    result = _lint(root)
    out = " ".join(result.stdout.split())  # the report wraps long lines
    assert result.returncode == 1, out
    assert "0 kept, 3 broken" in out
    assert "ads.services -> ads.views" in out
    assert "ads.escalation.services -> ads.api" in out
    assert "accounts.services -> ads.models" in out
    assert "notifications.helpers" in out


def _string_constants(package: str) -> list[tuple[str, int, str]]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((str(path.relative_to(ROOT)), node.lineno, node.value))
    return found


def _ads_words() -> set[str]:
    """Ads' states, kinds and event names: a lower app that spells one depends on ads."""
    words = {*Ad.Status.values, *Ad.Moderation.values, *Ad.Kind.values, *Reply.Moderation.values}
    words |= {*Escalation.State.values, *Escalation.Outcome.values, *AdEvent.Kind.values, "ad"}
    return words


def test_accounts_speaks_no_ads_words() -> None:
    assert "withdrawn" in _ads_words() and apps.get_app_config("ads").get_models()  # the lists are not empty
    words = _ads_words()
    hits = [hit for hit in _string_constants("accounts") if hit[2].startswith("ads.") or hit[2] in words]
    assert hits == []


def test_notifications_holds_no_other_apps_texts_or_kinds() -> None:
    kinds = messages.registered_kinds()
    assert {"ad.match", "escalation.created", "moderation.hidden"} <= kinds  # ads registered its texts
    prefixes = ("ads.", "ad.", "reply.", "escalation.", "moderation.")
    words = _ads_words() | kinds
    hits = [hit for hit in _string_constants("notifications") if hit[2].startswith(prefixes) or hit[2] in words]
    assert hits == []
    # Nor a sentence of theirs: the texts ads registers appear nowhere in notifications' code.
    source = " ".join(path.read_text() for path in (ROOT / "notifications").rglob("*.py"))
    with translation.override("en"):
        openings = {kind: max(messages.message(kind, {}).split("…"), key=len)[:25] for kind in kinds}
    assert all(openings.values())
    assert [kind for kind, opening in openings.items() if opening in source] == []
