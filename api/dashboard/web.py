"""What every page needs: the templates, who is looking (session and CSRF token), and rendering with safe headers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote

from fastapi import Depends, Request, status
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from api.dashboard import present
from api.deps import SessionsDep
from api.session import COOKIE, CSRF_HEADER, Session, Sessions

HERE = Path(__file__).parent
ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
                  trim_blocks=True, lstrip_blocks=True)
ENV.filters.update(present.FILTERS)
MAX_FORM_BYTES = 64 * 1024
NAV = (("mentions", "Mentions"), ("trends", "Trends"), ("compare", "Compare"), ("themes", "Themes"),
       ("alerts", "Alerts"), ("sources", "Sources"))


class PageError(Exception):
    """A request a page cannot honour, shown to the person as a page with what to do next."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class SignInRequired(Exception):
    """A page was asked for without a signed-in session while API keys are set."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


@dataclass
class Viewer:
    """The person looking at a page: their session, its CSRF token, and a cookie to set when it is new."""

    session: Session
    csrf: str
    sign_in_required: bool
    new_cookie: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.session.signed_in


def viewer(request: Request, sessions: SessionsDep) -> Viewer:
    """The request's session, or a new anonymous one (it carries the sign-in form's CSRF token)."""
    session = sessions.read(request.cookies.get(COOKIE))
    cookie = None
    if session is None:
        session, cookie = sessions.open(None)
    return Viewer(session, sessions.csrf_token(session), sessions.required, cookie)


def signed_in_viewer(request: Request, seen: Annotated[Viewer, Depends(viewer)]) -> Viewer:
    """The viewer of a page that shows data: signed in when keys are set, anyone on loopback otherwise."""
    if seen.sign_in_required and not seen.signed_in:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    return seen


ViewerDep = Annotated[Viewer, Depends(signed_in_viewer)]
AnyViewerDep = Annotated[Viewer, Depends(viewer)]


def safe_next(value: str | None) -> str:
    """Only a path on this site: never another host (an open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def sign_in_redirect(request: Request, exc: SignInRequired) -> Response:
    """To the sign-in page, coming back here afterwards; htmx requests are told to navigate there.

    A link followed from another site (an alert email in a webmail) arrives without the SameSite=Strict
    cookie even when the person is signed in: such a request gets a page that reloads the same address from
    this site, which carries the cookie (and, without a session, then goes on to the sign-in page).
    """
    location = f"/sign-in?next={quote(exc.next_url, safe='')}"
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": location})
    if request.headers.get("sec-fetch-site") == "cross-site" and request.method == "GET":
        html = ENV.get_template("reload.html").render(target=safe_next(exc.next_url))
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})
    return Response(status_code=status.HTTP_303_SEE_OTHER, headers={"Location": location})


def page_error(request: Request, exc: PageError) -> Response:
    seen = viewer(request, request.app.state.sessions)
    return render(request, seen, "error.html", {"message": exc.message}, status_code=exc.status_code)


def set_session_cookie(response: Response, request: Request, value: str, sessions: Sessions) -> None:
    """HttpOnly, SameSite=Strict, and Secure whenever the page was reached over HTTPS."""
    response.set_cookie(COOKIE, value, max_age=sessions.lifetime_s, path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def render(request: Request, seen: Viewer, template: str, context: dict[str, Any],
           status_code: int = 200) -> HTMLResponse:
    page = template.removesuffix(".html")
    html = ENV.get_template(template).render(viewer=seen, nav=NAV, page=page, **context)
    response = HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})
    if seen.new_cookie:
        set_session_cookie(response, request, seen.new_cookie, request.app.state.sessions)
    return response


async def form_fields(request: Request, seen: Viewer) -> dict[str, str]:
    """A posted form's fields, once its CSRF token is checked (403 when it is missing or forged)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise PageError(status.HTTP_413_CONTENT_TOO_LARGE, "That form is too large.")
    fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    token = fields.get("csrf") or request.headers.get(CSRF_HEADER)
    if not request.app.state.sessions.csrf_ok(seen.session, token):
        raise PageError(status.HTTP_403_FORBIDDEN, "This form was not sent by this dashboard, or it has expired: "
                                                   "reload the page and try again.")
    return fields
