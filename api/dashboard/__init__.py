"""The dashboard: server-rendered pages at /, its static files, sign-in, and the headers that keep it safe."""

from __future__ import annotations

import hashlib

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from api.dashboard import alerts, auth, compare, incident, mentions, saved, sources, themes, trends
from api.dashboard.headers import PageHeaders
from api.dashboard.web import ENV, HERE, PageError, SignInRequired, page_error, sign_in_redirect


def asset_version() -> str:
    """A digest of the static files, added to their URLs so browsers may cache them for a day."""
    digest = hashlib.sha256()
    for path in sorted((HERE / "static").rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]


def install(app: FastAPI) -> None:
    """Add the pages, /static and the security headers to the API's app."""
    ENV.globals["asset_version"] = asset_version()
    for name in ENV.list_templates(extensions=["html"]):  # compiled now, not on someone's first page
        ENV.get_template(name)
    app.state.sign_in_throttle = auth.Throttle()
    for module in (auth, mentions, saved, trends, compare, themes, alerts, incident, sources):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_exception_handler(SignInRequired, sign_in_redirect)  # type: ignore[arg-type]
    app.add_exception_handler(PageError, page_error)  # type: ignore[arg-type]
    app.add_middleware(PageHeaders)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/mentions", status_code=307)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:  # browsers ask for it on pages that name none (/docs, a JSON response)
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")
