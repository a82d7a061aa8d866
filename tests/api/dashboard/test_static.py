"""The dashboard's static files: vendored scripts match their manifest, and everything stays small."""

from __future__ import annotations

import hashlib
import json
import re

from api.dashboard.web import HERE

STATIC = HERE / "static"
BUDGET_BYTES = 150 * 1024


def test_vendored_files_match_the_manifest() -> None:
    manifest = json.loads((STATIC / "vendor" / "MANIFEST.json").read_text())
    assert set(manifest) == {"htmx.org", "uplot"}
    listed = set()
    for name, package in manifest.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", package["version"]) and package["registry"] == "npm"
        assert package["tarball_integrity"].startswith("sha512-")
        assert any(f.endswith("LICENSE") for f in package["files"]), f"{name} has no licence file"
        for vendored, digest in package["files"].items():
            listed.add(vendored)
            assert hashlib.sha256((STATIC / "vendor" / vendored).read_bytes()).hexdigest() == digest, vendored
    on_disk = {p.name for p in (STATIC / "vendor").iterdir()} - {"MANIFEST.json"}
    assert on_disk == listed  # nothing vendored without a line in the manifest


def test_all_static_assets_fit_the_budget() -> None:
    shipped = [p for p in STATIC.rglob("*") if p.is_file() and not p.name.endswith(("LICENSE", "MANIFEST.json"))]
    assert sum(p.stat().st_size for p in shipped) <= BUDGET_BYTES


def test_templates_name_only_static_files_that_exist() -> None:
    names = set()
    for template in (HERE / "templates").glob("*.html"):
        names |= set(re.findall(r'"/static/([^"?]+)', template.read_text()))
    assert names and all((STATIC / name).is_file() for name in names), names
    assert "vendor/htmx.min.js" in names and "vendor/uPlot.iife.min.js" in names


def test_the_script_reads_no_remote_url_and_evaluates_no_strings() -> None:
    script = (STATIC / "app.js").read_text()
    assert not re.search(r"https?://", script)
    assert "eval(" not in script and "new Function" not in script and "innerHTML" not in script
    assert "setAttribute(\"style\"" not in script  # the CSP forbids inline styles

