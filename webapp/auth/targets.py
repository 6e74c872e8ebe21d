"""Where signing in leads: a staff page of this site, never another site.

The sign-in page's `next=` comes from the address bar, so anyone can write it into a
link. A browser reads far more than a plain path as "another site": it drops tabs, CR
and LF anywhere in an address (so "/<tab>/evil.example" becomes "//evil.example"),
reads a backslash as a slash, and proxies or later code may decode "%2F" once more.
So instead of listing what is bad, a target is accepted only when

- it and every percent-decoding of it hold no control character and no backslash,
- its path, however often decoded, starts with exactly one "/" (never "//"),
- and the path, as the app will read it, is a page of this app whose view is for
  staff (`app.url_map`), answering GET.

Anything else leads to the staff overview (shared/security.md S7; a CR or LF can no
longer reach the Location header and answer 500, R9).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from flask import current_app, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.urls import iri_to_uri

#: C0 controls (tab, CR, LF, NUL...), DEL and the C1 controls
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: a longer target is not one the app wrote
MAX_LENGTH = 2000
#: a target still changing after this many decodings is refused
DECODINGS = 3
STAFF_AUDIENCES = ("staff", "admin")


def _decodings(text: str) -> list[str] | None:
    """`text` and each percent-decoding of it until nothing changes; None if it never
    settles."""
    forms = [text]
    for _ in range(DECODINGS):
        decoded = unquote(forms[-1])
        if decoded == forms[-1]:
            return forms
        forms.append(decoded)
    return None


def _staff_page(path: str) -> bool:
    """True when the app serves `path` (as it reads it: decoded once) with a staff view."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, _args = adapter.match(unquote(path), method="GET")
    except (HTTPException, RequestRedirect):
        return False
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "audience", None) in STAFF_AUDIENCES


def staff_target(target: str | None) -> str | None:
    """The address to send a signed-in staff member to for `target`, or None.

    `target` is a site-relative address as `request.full_path` gives it ("/staff/?").
    The answer is that address on this site (under the app's script root, with an
    empty query dropped and any non-ASCII percent-encoded), safe for a Location header.
    """
    if not target or len(target) > MAX_LENGTH:
        return None
    forms = _decodings(target)
    if forms is None or any(_CONTROL.search(f) or "\\" in f for f in forms):
        return None
    path, _, query = target.partition("?")
    paths = _decodings(path)
    if paths is None or not all(p.startswith("/") and not p.startswith("//") for p in paths):
        return None
    if "#" in path or not _staff_page(path):
        return None
    return request.script_root + iri_to_uri(f"{path}?{query}" if query else path)


def after_sign_in(target: str | None) -> str:
    """Where signing in leads: `target` when it is a staff page here, else the overview."""
    return staff_target(target) or url_for("review.dashboard")
