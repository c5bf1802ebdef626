"""What the ``name = value`` sites set (:mod:`.sites`): keys and Authorization values as they would
be sent (:mod:`..values`, :mod:`..wire`), and base URLs (:func:`.addresses.base_value`)."""

from __future__ import annotations

from supportbot.triage.passes.addresses import base_value
from supportbot.triage.passes.found import Found, found, shown
from supportbot.triage.passes.paste import Paste
from supportbot.triage.passes.sites import Site
from supportbot.triage.values import VAR
from supportbot.triage.wire import authorization_problems, key_problems, keylike


def _auth(site: Site, excerpt: str) -> list[Found]:
    value = site.value
    problems = authorization_problems(value.text, expands=not value.unexpanded)
    if value.unexpanded and "unexpanded_variable" not in problems:
        problems.append("unexpanded_variable")
    return [found(reason, excerpt=excerpt, factor=1.0 if value.kind != "bare" else 0.95) for reason in problems]


def _key(paste: Paste, site: Site, excerpt: str) -> list[Found]:
    value, text = site.value, site.value.text
    reported: list[Found] = []
    if value.kind == "bare":
        problems = [r for r in key_problems(text) if r not in {"space_in_key", "quoted_key"}]
        if text[:1] in "\"'" and keylike(text.strip("\"' ")):
            problems.append("quoted_key")  # an unclosed quote is kept as part of the value
    else:
        env_style = site.bare_ok and site.sep == "=" and paste.text[site.start - 1 : site.start] != " "
        expands = env_style or (site.bare_ok and site.sep == ":")
        problems = key_problems(text, expands=expands and not value.unexpanded)
        line_start = paste.text.rfind("\n", 0, site.start) + 1
        compose_list = (
            paste.text[line_start : site.start].strip() == "-" and site.sep == "=" and value.kind == "literal"
        )
        if compose_list and text == text.strip() and keylike(text):
            reported.append(
                found("quoted_key", excerpt=excerpt, factor=0.85, note="a compose list entry keeps its quotes")
            )
    reported.extend(found(reason, excerpt=excerpt) for reason in problems)
    return reported


def _site(paste: Paste, site: Site) -> list[Found]:
    excerpt = shown(site.name, site.value.text)
    if site.kind == "auth":
        return _auth(site, excerpt)
    if site.kind == "bearer_header":
        return [found("no_bearer_scheme", excerpt=excerpt, note="a header named 'Bearer'")]
    if site.kind == "key":
        return _key(paste, site, excerpt)
    if site.kind in {"base", "url"}:
        return base_value(paste, site.kind, site.value, site.start, site.name)
    return []


def assignments(paste: Paste) -> tuple[Found, ...]:
    """What each site that says something would send or call."""
    return tuple(item for site in paste.sites if site.read for item in _site(paste, site))


def config_keys(paste: Paste) -> tuple[str, ...]:
    """The key-shaped values the configuration sets, unquoted."""
    keys: list[str] = []
    for site in paste.sites:
        if site.read and site.kind == "key":
            core = site.value.text.strip().strip("\"'")
            if keylike(core) and VAR not in core:
                keys.append(core)
    return tuple(keys)


def config_sends_key(paste: Paste) -> bool:
    """An Authorization value set in the configuration holds something key-shaped."""
    return any(
        site.read and site.kind == "auth" and any(keylike(part) for part in site.value.text.split())
        for site in paste.sites
    )
