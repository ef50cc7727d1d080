"""What erasing and exporting a person means, app by app: a registry.

accounts owns the person, but not everything that is about them: the ads app keeps what
they wrote, a later app their call-list items or check-ins. Each app says what its own
rows mean for a person by registering hooks in its AppConfig.ready():

    personal_data.register(
        "ads",
        erase=ads_personal_data.erase,          # blank what the person wrote, take down their posts
        never_export={"ads.Ad.search_vector"},  # columns that only repeat other columns, or secrets
    )

accounts.gdpr calls every registered eraser inside the transaction that deletes the
account (before the person's own fields go), and leaves out the columns named in
`never_export` from the export. The export itself walks the app registry, so a new model
with a relation to the user is exported without a hook; `export` adds sections for rows
that are about a person without pointing at them (say, a phone number on a call list).
accounts never names another app's models or states: renaming them cannot break erasure.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.models import User


@dataclass(frozen=True)
class Erasure:
    """One account being erased, as each app's eraser sees it."""

    user: User
    removed: str  # "This message was removed." in the site's language: put in place of free text
    now: datetime


Eraser = Callable[[Erasure], None]
Exporter = Callable[[User], dict[str, list[dict[str, Any]]]]


@dataclass(frozen=True)
class Hooks:
    erase: Eraser | None
    export: Exporter | None
    never_export: frozenset[str]


_registry: dict[str, Hooks] = {}


def register(
    name: str, *, erase: Eraser | None = None, export: Exporter | None = None, never_export: Iterable[str] = ()
) -> None:
    """Register (or replace) the hooks of `name`, usually the app's label or a sub-domain
    ("ads.escalation"). Erasers run in the order they were registered."""
    _registry[name] = Hooks(erase=erase, export=export, never_export=frozenset(never_export))


def erasers() -> list[Eraser]:
    return [hooks.erase for hooks in _registry.values() if hooks.erase is not None]


def exporters() -> list[Exporter]:
    return [hooks.export for hooks in _registry.values() if hooks.export is not None]


def never_exported() -> frozenset[str]:
    """ "app_label.Model.field" of every column left out of exports."""
    return frozenset().union(*(hooks.never_export for hooks in _registry.values()))


def registered() -> list[str]:
    return list(_registry)
