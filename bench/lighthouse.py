"""Lighthouse scores of the public pages, in Russian, served as in production.

It seeds the benchmark database with the demo data, starts gunicorn (2 workers,
DEBUG off, WhiteNoise serving the static files, Redis as the cache) on
127.0.0.1, finds the pages as a visitor does (the catalog links to a program,
the program to the form of an open group), then runs Lighthouse (the npm
package, installed by `make install` from package-lock.json) with Debian's
Chromium, headless, on four pages: the home page, the catalog, a program and
the application form. For each page and device it prints the scores of
accessibility, best practices and SEO, and performance for information; every
category below 100 gets a line of its own that starts with "below 100", naming
the audits that failed. With --verbose, each failed audit is printed with its
title and the elements, addresses or sources Lighthouse blames.

    .venv/bin/python bench/lighthouse.py              # phone and desktop, 4 categories
    .venv/bin/python bench/lighthouse.py --quick      # phone only, no performance (CI)
    .venv/bin/python bench/lighthouse.py --verbose    # and every failed audit, with items
    .venv/bin/python bench/lighthouse.py --save DIR   # keep the JSON and HTML reports in DIR

It is a measurement, not a test: scores below 100 are printed, not failed.
It exits non-zero only when Lighthouse could not score a page at all (no
Lighthouse or Chromium, a page that did not load, a run that crashed).
CHROME_PATH selects the browser (default /usr/bin/chromium); BENCH_DATABASE_URL
the database (default postgres://postgres@127.0.0.1/copp_bench).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, get, gunicorn, prepare, scratch

LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# Performance depends on the machine and on what else runs on it: informative.
SCORED = ["accessibility", "best-practices", "seo"]
CHROME_FLAGS = "--headless=new --no-sandbox --lang=ru-RU"
# Lighthouse passes an audit at 0.9 and above (its report's green); the
# binary audits that make up accessibility, best practices and SEO pass at 1.
PASS = 0.9
RUN_TIMEOUT = 240
ITEMS_SHOWN = 12
# What this server differs in from production, and what Lighthouse says of it.
EXPECTED_HERE = {
    "has-hsts": "plain HTTP on loopback here; production sends HSTS (SECURE_HSTS_SECONDS)",
}


@dataclass
class Page:
    name: str
    path: str


@dataclass
class Run:
    page: Page
    device: str
    seconds: float = 0.0
    scores: dict[str, float | None] = field(default_factory=dict)
    failed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    report: dict[str, Any] = field(default_factory=dict)


def chrome_path() -> str | None:
    candidates = [os.environ.get("CHROME_PATH"), "/usr/bin/chromium"]
    candidates += [shutil.which(name) for name in ("chromium", "google-chrome")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def find_pages(port: int) -> list[Page]:
    """The home page, the catalog, a program with an open group, its form."""
    pages = [Page("home", "/"), Page("catalog", "/programs/")]
    status, body = get(port, "/programs/")
    if status != 200:
        raise RuntimeError(f"GET /programs/ answered {status}")
    programs = re.findall(r'href="(/programs/[\w-]+/)"', body.decode())
    programs = [path for path in dict.fromkeys(programs) if "/notices/" not in path]
    for path in programs:
        status, body = get(port, path)
        found = re.search(r'href="(/apply/[^"/]+/)"', body.decode())
        if status == 200 and found:
            return [*pages, Page("program", path), Page("apply", found.group(1))]
    raise RuntimeError(
        f"none of the {len(programs)} programs the catalog links to has an open group"
    )


def lighthouse(
    url: str, *, device: str, categories: list[str], out: Path, html: bool
) -> tuple[dict[str, Any] | None, str]:
    """Run Lighthouse once; return its report (None if it made none) and its log."""
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(categories)}",
        "--output=json",
        *(["--output=html"] if html else []),
        f"--output-path={out}",
        "--no-enable-error-reporting",
        "--quiet",
    ]
    if not html:
        # The full page's picture only shows in the HTML report.
        command.append("--disable-full-page-screenshot")
    if device == "desktop":
        command.append("--preset=desktop")
    path = out.with_suffix(".report.json") if html else out
    path.unlink(missing_ok=True)
    work = scratch("chrome")
    env = dict(
        os.environ,
        CHROME_PATH=chrome_path() or "",
        # Chromium's profile and Lighthouse's settings go to the temporary folder.
        TMPDIR=str(work),
        XDG_CONFIG_HOME=str(work),
    )
    try:
        process = subprocess.run(
            command,
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, f"no report after {RUN_TIMEOUT} s"
    log = (process.stdout + process.stderr).strip()
    if process.returncode != 0 or not path.exists():
        return None, log or f"exit status {process.returncode}"
    return json.loads(path.read_text()), log


def failed_audits(report: dict[str, Any], category: str) -> list[dict[str, Any]]:
    """The audits of ``category`` that failed, worst first: a pass-or-fail audit
    or one of accessibility, best practices and SEO under 1, one of performance
    under 0.9 (where the HTML report turns green), or one that could not run."""
    failed = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        mode = audit.get("scoreDisplayMode")
        if mode == "error":
            failed.append(audit)
        elif (
            mode in ("binary", "numeric", "metricSavings")
            and audit["score"] is not None
        ):
            threshold = 1 if mode == "binary" or category in SCORED else PASS
            if audit["score"] < threshold:
                failed.append(audit)
    return sorted(failed, key=lambda audit: audit.get("score") or 0)


def informative_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Audits of the scored categories that count for nothing but found something."""
    found = {}
    for category in SCORED:
        for ref in report["categories"].get(category, {}).get("auditRefs", []):
            audit = report["audits"][ref["id"]]
            if audit.get("scoreDisplayMode") == "informative" and item_lines(
                audit.get("details") or {}
            ):
                found[audit["id"]] = audit
    return list(found.values())


def run_page(
    port: int, page: Page, *, device: str, categories: list[str], save: Path | None
) -> Run:
    """Score one page; a run that fails is tried once more (Lighthouse's advice
    for a trace it could not record)."""
    run = Run(page, device)
    url = f"http://127.0.0.1:{port}{page.path}"
    folder = save or scratch("lighthouse")
    out = folder / f"{page.name}-{device}.json"
    if save:
        out = out.with_suffix("")
    started = time.monotonic()
    for _attempt in range(2):
        report, log = lighthouse(
            url, device=device, categories=categories, out=out, html=save is not None
        )
        if report is None:
            run.error = log[-2000:]
        elif report.get("runtimeError"):
            error = report["runtimeError"]
            run.error = f"{error.get('code')}: {error.get('message')}"
        else:
            run.error = ""
            break
    run.seconds = time.monotonic() - started
    if run.error or report is None:
        return run
    run.report = report
    for category in categories:
        score = report["categories"][category]["score"]
        run.scores[category] = None if score is None else round(score * 100)
        run.failed[category] = failed_audits(report, category)
    run.notes = informative_findings(report)
    return run


def value_text(value: Any, kind: str = "") -> str:
    """One value of a Lighthouse table, as text (``kind``: its column's type)."""
    if isinstance(value, dict):
        kind = value.get("type", kind)
        if kind == "node":
            text = value.get("selector") or value.get("path") or ""
            label = value.get("nodeLabel")
            if label and label != text:
                text += f" «{label[:80]}»"
            if value.get("snippet"):
                text += f"\n          {value['snippet'][:200]}"
            if value.get("explanation"):
                text += "\n          " + value["explanation"].replace(
                    "\n", "\n          "
                )
            return text
        if kind == "source-location":
            line, column = value.get("line", 0) + 1, value.get("column", 0) + 1
            return f"{value.get('url')}:{line}:{column}"
        if "value" in value:
            return value_text(value["value"], value.get("valueType", kind))
        return json.dumps(value, ensure_ascii=False)[:200]
    if isinstance(value, int | float) and not isinstance(value, bool):
        if kind == "bytes":
            return f"{value / 1024:.1f} KiB"
        if kind in ("ms", "timespanMs"):
            return f"{value:.0f} ms"
        return f"{value:g}"
    return str(value)


def item_lines(details: dict[str, Any]) -> list[str]:
    """The elements, addresses or sources an audit blames, one per line."""
    kind = details.get("type")
    if kind == "list":
        return [line for item in details["items"] for line in item_lines(item)]
    if kind == "checklist":
        return [
            f"{check['label']}: no"
            for check in details["items"].values()
            if not check.get("value")
        ]
    if kind not in ("table", "opportunity"):
        return []
    headings = [h for h in details.get("headings", []) if h.get("key")]
    sub_headings = [
        h["subItemsHeading"]
        for h in headings
        if h.get("subItemsHeading", {}).get("key")
    ]
    lines = []
    for item in details.get("items", []):
        line = "  ".join(
            value_text(item[h["key"]], h.get("valueType", ""))
            for h in headings
            if item.get(h["key"]) not in (None, "")
        )
        for subitem in item.get("subItems", {}).get("items", [])[:ITEMS_SHOWN]:
            related = "  ".join(
                value_text(subitem[h["key"]], h.get("valueType", ""))
                for h in sub_headings
                if subitem.get(h["key"]) not in (None, "")
            )
            if related:
                line += "\n        with " + related
        if line:
            lines.append(line)
    return lines


def print_audit(audit: dict[str, Any]) -> None:
    mode = audit.get("scoreDisplayMode")
    if mode == "error":
        score = ": could not be checked"
    elif audit.get("score") is None or mode == "informative":
        score = ""
    else:
        score = f": score {round(audit['score'] * 100)}"
    shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
    print(f"    [{audit['id']}] {audit['title']}{score}{shown}")
    if mode == "error":
        print(f"      {audit.get('errorMessage', '')}")
    if audit["id"] in EXPECTED_HERE:
        print(f"      ({EXPECTED_HERE[audit['id']]})")
    lines = item_lines(audit.get("details") or {})
    for line in lines[:ITEMS_SHOWN]:
        print(f"      - {line}")
    if len(lines) > ITEMS_SHOWN:
        print(f"      … and {len(lines) - ITEMS_SHOWN} more")


def print_table(runs: list[Run], categories: list[str]) -> None:
    heads = {
        "performance": "perf.",
        "accessibility": "a11y",
        "best-practices": "best-pr.",
        "seo": "SEO",
    }
    print(
        f"{'device':<8}{'page':<9}{'path':<36}"
        + "".join(f"{heads.get(c, c[:8]):>10}" for c in categories)
        + f"{'seconds':>9}"
    )
    for run in runs:
        cells = "".join(
            f"{'-' if run.scores.get(c) is None else run.scores[c]:>10}"
            for c in categories
        )
        if run.error:
            cells = f"{'could not run':>{10 * len(categories)}}"
        print(
            f"{run.device:<8}{run.page.name:<9}{run.page.path[:35]:<36}{cells}"
            f"{run.seconds:>9.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="phone only, without performance"
    )
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="every failed audit and its items"
    )
    parser.add_argument(
        "--device", choices=["mobile", "desktop", "both"], help="default: both"
    )
    parser.add_argument(
        "--save", type=Path, metavar="DIR", help="keep the JSON and HTML reports here"
    )
    args = parser.parse_args()
    devices = {"mobile": ["mobile"], "desktop": ["desktop"]}.get(
        args.device or ("mobile" if args.quick else "both"), ["mobile", "desktop"]
    )
    categories = SCORED if args.quick else CATEGORIES

    if not LIGHTHOUSE.exists():
        sys.exit(f"Lighthouse is not installed ({LIGHTHOUSE}): run `make install`")
    if chrome_path() is None:
        sys.exit("Chromium not found: `make browser` or set CHROME_PATH")
    if not shutil.which("node"):
        sys.exit("node is not installed")
    if args.save:
        args.save = args.save.resolve()
        args.save.mkdir(parents=True, exist_ok=True)

    env = prepare(setup=False)
    runs: list[Run] = []
    with gunicorn(env=env) as port:
        pages = find_pages(port)
        for path in ("/robots.txt", "/sitemap.xml"):
            status, _ = get(port, path)
            assert status == 200, (path, status)
        for device in devices:
            for page in pages:
                run = run_page(
                    port, page, device=device, categories=categories, save=args.save
                )
                runs.append(run)
                print(
                    f"  {device} {page.path}: "
                    + (
                        "could not run"
                        if run.error
                        else ", ".join(f"{c} {run.scores[c]}" for c in categories)
                    ),
                    flush=True,
                )

    version = next((r.report["lighthouseVersion"] for r in runs if r.report), "?")
    agent = next(
        (r.report["environment"]["hostUserAgent"] for r in runs if r.report), ""
    )
    browser = re.search(r"(?:Headless)?Chrome/[\d.]+", agent)
    described = {
        "mobile": "mobile: Lighthouse's phone, slow 4G simulated",
        "desktop": "desktop: --preset=desktop",
    }
    print(
        f"\nLighthouse {version}, {browser.group(0) if browser else 'Chromium'}, "
        "gunicorn 2 sync workers, PostgreSQL, demo data, Russian pages; "
        + ", ".join(described[device] for device in devices)
    )
    print_table(runs, categories)

    below = [
        (run, category)
        for run in runs
        for category in categories
        if not run.error and (run.scores[category] or 0) < 100
    ]
    if below:
        print()
    for run, category in below:
        ids = ", ".join(audit["id"] for audit in run.failed[category])
        note = " (informative)" if category not in SCORED else ""
        print(
            f"below 100: {run.device} {run.page.name} {run.page.path} "
            f"{category} {run.scores[category]}{note}: {ids or 'no single audit failed'}"
        )
        if args.verbose:
            for audit in run.failed[category]:
                print_audit(audit)
    scored = [run for run in runs if not run.error]
    short = sum(1 for run, category in below if category in SCORED)
    print(
        f"\nAccessibility, best practices and SEO: {short} score(s) below 100 "
        f"on {len(scored)} page run(s)"
        if short
        else f"\nAccessibility, best practices and SEO: 100 on all {len(scored)} "
        "page run(s)"
    )
    if args.verbose:
        # Found by audits that count for nothing: each once, with where.
        notes: dict[str, tuple[dict[str, Any], list[str]]] = {}
        for run in runs:
            for audit in run.notes:
                where = f"{run.device} {run.page.path}"
                notes.setdefault(audit["id"], (audit, []))[1].append(where)
        if notes:
            print("\nNot scored (informative audits that found something):")
        for audit, places in notes.values():
            print_audit(audit)
            print(f"      on: {', '.join(places)}")
    if args.save:
        print(f"\nReports: {args.save}")

    errors = [run for run in runs if run.error]
    for run in errors:
        print(
            f"\nLighthouse could not run on {run.device} {run.page.path}:\n{run.error}"
        )
    if errors:
        sys.exit(f"Lighthouse could not score {len(errors)} of {len(runs)} pages")


if __name__ == "__main__":
    main()
