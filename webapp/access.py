"""Who may see a view: every view declares its audience, and nothing is open by default.

`audience("public")`, `audience("supplier")` and (with the staff pages) `audience("staff")`
mark views; `check_audiences` refuses to start an app with a view that declares none
(shared/security.md S4). A supplier's session holds one response id, the id of the
invitation link it began with and the response's session epoch: the session lasts while
that link is valid, so a lost-link reissue (which revokes every link) or leaving (which
bumps the epoch) ends it. Other links of the same response (one per mail) do not.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort, g, redirect, request, session, url_for

from .database import db
from .store.models import InvitationLink, Response
from .store.responses import by_link

AUDIENCES = ("public", "supplier", "staff", "admin")
SUPPLIER_KEY = "supplier_response"


def audience(name: str) -> Callable:
    if name not in AUDIENCES:
        raise ValueError(f"unknown audience {name!r}")

    def decorate(view: Callable) -> Callable:
        if name == "supplier":
            @wraps(view)
            def guarded(*args: Any, **kwargs: Any):
                g.response = current_response()
                if g.response is None:
                    abort(401)
                contacts = g.response.supplier.contacts
                if contacts:
                    g.preferred_language = contacts[0].language
                return view(*args, **kwargs)

            guarded.audience = name  # type: ignore[attr-defined]
            return guarded
        if name in ("staff", "admin"):
            @wraps(view)
            def staff_only(*args: Any, **kwargs: Any):
                from flask_login import current_user

                if not current_user.is_authenticated:
                    if request.method == "GET":
                        return redirect(url_for("auth.login", next=request.full_path))
                    abort(401)
                if name == "admin" and not current_user.is_admin:
                    abort(404)  # deny without telling what exists
                return view(*args, **kwargs)

            staff_only.audience = name  # type: ignore[attr-defined]
            return staff_only
        view.audience = name  # type: ignore[attr-defined]
        return view

    return decorate


def check_audiences(app: Flask) -> None:
    """Every endpoint but Flask's static files must declare an audience."""
    missing = sorted(endpoint for endpoint, view in app.view_functions.items()
                     if not endpoint.endswith("static") and not hasattr(view, "audience"))
    if missing:
        raise RuntimeError(f"views without a declared audience: {', '.join(missing)}")


def sign_in_supplier(response: Response, link: InvitationLink) -> None:
    """A fresh session for the response an invitation link names (S9: no session reuse)."""
    language = session.get("lang")
    session.clear()
    session[SUPPLIER_KEY] = {"id": response.id, "link": link.id,
                             "epoch": response.session_epoch}
    if language:
        session["lang"] = language
    session.permanent = True


def current_response() -> Response | None:
    """The supplier's response, if the session's link is still valid and its epoch current."""
    held = session.get(SUPPLIER_KEY)
    if not isinstance(held, dict) or not isinstance(held.get("id"), int) \
            or not isinstance(held.get("link"), int):
        return None
    response = by_link(db(), held["id"], held["link"])
    if response is None or response.session_epoch != held.get("epoch"):
        return None
    return response
