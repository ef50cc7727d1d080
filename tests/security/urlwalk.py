"""Every URL pattern of the project, walked from the root resolver."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str  # e.g. "advertenties/<int:pk>/"
    converters: tuple[tuple[str, str], ...]  # (argument, converter class name)

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    def path(self, **values: object) -> str:
        path = "/" + self.route
        if any(converter == "regex" for _argument, converter in self.converters):
            # re_path(): put each named group's value in place of the group.
            path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda group: str(values[group.group(1)]), path)
            return path.replace("^", "").replace("$", "")
        for argument, _converter in self.converters:
            start = path.index("<")
            end = path.index(">", start)
            path = path[:start] + str(values[argument]) + path[end + 1 :]
        return path


def _walk(patterns: list, prefix: str, namespace: str | None, converters: tuple) -> list[Route]:
    routes = []
    for pattern in patterns:
        if isinstance(pattern.pattern, RegexPattern):
            found = tuple((name, "regex") for name in pattern.pattern.regex.groupindex)
        else:
            found = tuple((name, type(conv).__name__) for name, conv in pattern.pattern.converters.items())
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            routes += _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner, converters + found)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            routes.append(Route(name or route, route, converters + found))
    return routes


def project_routes(*, include_admin: bool = False) -> list[Route]:
    routes = _walk(get_resolver().url_patterns, "", None, ())
    return [r for r in routes if include_admin or not r.route.startswith("admin/")]
