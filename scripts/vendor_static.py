"""Copy the dashboard's third-party scripts from their npm packages into api/dashboard/static/vendor/.

    python scripts/vendor_static.py            # fetch the versions below with `npm pack`, copy, write MANIFEST.json
    python scripts/vendor_static.py --check    # only compare the vendored files with MANIFEST.json

Users never run this: the files are committed, so the dashboard needs no build step, no CDN and no network.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "api" / "dashboard" / "static" / "vendor"
# package, version, license, {file in the package: name in vendor/}
PACKAGES = (
    ("htmx.org", "2.0.11", "0BSD", {"dist/htmx.min.js": "htmx.min.js", "LICENSE": "htmx.LICENSE"}),
    ("uplot", "1.6.32", "MIT", {"dist/uPlot.iife.min.js": "uPlot.iife.min.js", "dist/uPlot.min.css": "uPlot.min.css",
                                "LICENSE": "uPlot.LICENSE"}),
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(name: str, version: str, files: dict[str, str], workdir: Path) -> tuple[str, dict[str, str]]:
    """``npm pack`` the package, copy the listed files; returns the tarball's integrity and {vendored name: sha256}."""
    out = subprocess.run(["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(workdir)],
                         check=True, capture_output=True, text=True, cwd=workdir)
    packed = json.loads(out.stdout)[0]
    tarball = workdir / packed["filename"]
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir / name, filter="data")
    hashes = {}
    for inner, vendored in files.items():
        shutil.copyfile(workdir / name / "package" / inner, VENDOR / vendored)
        hashes[vendored] = sha256(VENDOR / vendored)
    return str(packed["integrity"]), hashes


def check(manifest: dict[str, dict[str, object]]) -> list[str]:
    """Vendored files whose digest differs from the manifest's."""
    problems = []
    for package in manifest.values():
        for vendored, digest in package["files"].items():  # type: ignore[attr-defined]
            path = VENDOR / vendored
            if not path.is_file() or sha256(path) != digest:
                problems.append(vendored)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare the files with MANIFEST.json, fetch nothing")
    args = parser.parse_args()
    if args.check:
        problems = check(json.loads((VENDOR / "MANIFEST.json").read_text()))
        print("vendored files match MANIFEST.json" if not problems else f"changed or missing: {', '.join(problems)}")
        return 1 if problems else 0
    VENDOR.mkdir(parents=True, exist_ok=True)
    manifest = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, version, license_, files in PACKAGES:
            integrity, hashes = fetch(name, version, files, Path(tmp))
            manifest[name] = {"version": version, "license": license_, "registry": "npm",
                              "tarball_integrity": integrity, "files": hashes}
    (VENDOR / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"vendored {', '.join(f'{n} {v}' for n, v, _, _ in PACKAGES)} into {VENDOR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
