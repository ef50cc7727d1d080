"""What a notification says, in the reader's language: each kind's text is registered
by the app that sends it.

Producers store only a kind and a few parameters; the sentence is made when a page or
an email shows it, so it is always in the language of whoever reads it. This app only
delivers: the app that sends a kind owns its words and registers them in its
AppConfig.ready() (see docs/architecture.md):

    messages.register({"thing.happened": gettext_lazy("Something happened to “%(title)s”.")})

A text is a format string over the notification's parameters; where a format string
cannot say it, register a renderer instead: a callable that takes the parameters (a
missing one reads "…") and returns the sentence in the active language.
"""

from collections.abc import Callable, Mapping

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

Renderer = Callable[[Mapping[str, object]], str]
Text = str | Promise | Renderer

FALLBACK = _("There is news for you.")
_texts: dict[str, Text] = {}


def register(texts: Mapping[str, Text]) -> None:
    """Add the texts of some kinds. A kind belongs to one app: registering it again with
    another text is a configuration error, not a silent override."""
    for kind, text in texts.items():
        if _texts.get(kind, text) is not text:
            raise ImproperlyConfigured(f"notification kind {kind!r} has a text already")
        _texts[kind] = text


def registered_kinds() -> frozenset[str]:
    return frozenset(_texts)


class _Params(dict):
    """Formatting parameters: a missing one prints as "…", and a parameter stored in
    both languages ({"nl": ..., "en": ...}) prints in the current one."""

    def __missing__(self, key: str) -> str:
        return "…"

    def __getitem__(self, key: str) -> object:
        value = super().__getitem__(key)
        if isinstance(value, dict):
            return value.get(get_language() or "nl") or next(iter(value.values()), "…")
        return value


def message(kind: str, params: dict) -> str:
    """The sentence for a notification, in the active language."""
    text = _texts.get(kind, FALLBACK)
    try:
        if callable(text):
            return str(text(_Params(params or {})))
        return str(text) % _Params(params or {})
    except (TypeError, ValueError):
        return str(FALLBACK)
