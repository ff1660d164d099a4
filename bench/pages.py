"""Public pages under load: gunicorn (2 workers), PostgreSQL, Redis, demo data.

For the catalog, program pages and the home page it measures, in one run:
  * returning visitors: every request carries a ``csrftoken`` cookie of its own
    (one in ten also the version for the visually impaired), pages cached as
    deployed (CATALOG_CACHE_SECONDS);
  * visitors without cookies, same cache;
  * no cache at all (CATALOG_CACHE_SECONDS=0), returning visitors;
against the constant page: a minimal view answering as many bytes as the page,
through Django's default middleware on the same gunicorn. It also measures the
constant page through the portal's own middleware, and prints each figure's
ratio to the constant page.

Before loading, it checks the cached answers: a page served from the cache
(it says ``Age``) keeps every security header (CSP, HSTS, frame, referrer,
permissions, nosniff, opener), sets no cookie, and a visitor with the version
for the visually impaired gets that version from the first request.

    .venv/bin/python bench/pages.py              # 15 s per measurement
    .venv/bin/python bench/pages.py --quick      # 2 s, as CI runs it
    .venv/bin/python bench/pages.py --verbose    # and the uncached pages' profile

Requests go through wrk when it is installed (``make bench-tools``), else
through Python threads, which bound the figures (the output says which).
BENCH_DATABASE_URL selects the database (default postgres://postgres@127.0.0.1/copp_bench).
"""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import wrk
from bench.common import gunicorn, prepare

CATALOG_PATHS = [
    "/programs/",
    "/programs/?page=2",
    f"/programs/?q={quote('сварка')}",
    "/programs/?cost=free",
    "/programs/?direction=cnc&sort=title",
    "/programs/?starts=90",
    "/programs/?kind=dpo_upgrade&kind=dpo_retraining",
    "/en/programs/",
]
HOME_PATHS = ["/", "/en/"]
# As a browser sends back what the portal set (a quoted cookie value).
A11Y_COOKIE = 'copp_a11y="size=2&scheme=wb&images=on"'
# Nine returning visitors in ten carry only their own csrftoken; one also
# reads the version for the visually impaired.
RETURNING_COOKIES = [""] * 9 + [A11Y_COOKIE]
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Frame-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "X-Content-Type-Options",
    "Cross-Origin-Opener-Policy",
)


def fetch(port: int, path: str, cookie: str = "") -> tuple[int, dict, str]:
    headers = {"X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read().decode()
        return response.status, dict(response.getheaders()), body
    finally:
        connection.close()


def program_paths(port: int) -> list[str]:
    _, _, body = fetch(port, "/programs/")
    slugs = list(dict.fromkeys(re.findall(r'href="/programs/([\w-]+)/"', body)))
    assert slugs, "no program on the catalog's first page"
    return [f"/programs/{slug}/" for slug in slugs[:6]]


def check_cached_answers(port: int, pages: dict[str, list[str]]) -> None:
    """The second answer comes from the cache and keeps every security header."""
    for paths in pages.values():
        path = paths[0]
        own = f"csrftoken={uuid.uuid4().hex}"
        fetch(port, path, own)
        status, headers, body = fetch(port, path, f"csrftoken={uuid.uuid4().hex}")
        assert status == 200, (path, status)
        assert "Age" in headers, f"{path}: the second answer is not from the cache"
        missing = [h for h in SECURITY_HEADERS if h not in headers]
        assert not missing, f"{path}: a cached answer lacks {missing}"
        assert "Set-Cookie" not in headers, f"{path}: a cached answer sets a cookie"
        assert re.search(r"<html lang=\"\w+\">", body), f"{path}: not the plain version"
        _, _, a11y = fetch(port, path, f"{own}; {A11Y_COOKIE}")
        assert re.search(
            r'<html lang="\w+" class="a11y a11y-size-2 a11y-scheme-wb', a11y
        ), f"{path}: the version for the visually impaired is not served"


def profile(
    pages: dict[str, list[str]], env: dict[str, str], requests: int = 60
) -> None:
    """cProfile of the uncached pages rendered in this process, through the
    whole middleware stack, as the server runs them."""
    import cProfile
    import os
    import pstats

    os.environ.update(env)
    os.environ["CATALOG_CACHE_SECONDS"] = "0"
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_X_FORWARDED_PROTO="https", SERVER_NAME="127.0.0.1")
    for name, paths in pages.items():
        for path in paths:
            client.get(path)  # warm up: templates compiled, connections open
        profiler = cProfile.Profile()
        profiler.enable()
        for n in range(requests):
            client.cookies["csrftoken"] = uuid.uuid4().hex
            assert client.get(paths[n % len(paths)]).status_code == 200
        profiler.disable()
        stats = pstats.Stats(profiler)
        total = stats.total_tt  # type: ignore[attr-defined]
        print(
            f"\nProfile of {name}, no cache: {requests} requests in process, "
            f"{total / requests * 1000:.1f} ms each"
        )
        stats.sort_stats("tottime").print_stats(15)
        stats.sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 s per measurement")
    parser.add_argument("--verbose", action="store_true", help="print the profile")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    seconds = 2.0 if args.quick else args.seconds
    c = args.connections

    env = prepare(setup=False)
    uncached_env = {**env, "CATALOG_CACHE_SECONDS": "0"}
    ceiling_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.ceiling_settings"}
    rows: list[tuple[str, str, wrk.Load, float]] = []

    # The three servers run side by side (an idle one costs nothing), and each
    # page's figures are taken one right after the other, so that the ratios
    # hold even if the machine gets busier during the run.
    with (
        gunicorn(env=env) as port,
        gunicorn(env=ceiling_env) as ceiling_port,
        gunicorn(env=uncached_env) as uncached_port,
    ):
        pages = {
            "catalog": CATALOG_PATHS,
            "program page": program_paths(port),
            "home page": HOME_PATHS,
        }
        sizes = {
            name: len(fetch(port, paths[0])[2].encode())
            for name, paths in pages.items()
        }
        check_cached_answers(port, pages)
        warm_up = min(1.0, seconds)
        ceilings, cached, uncached = {}, {}, {}
        for name, paths in pages.items():
            constant = [f"/__bench__/ceiling/{sizes[name]}/"]
            wrk.run(ceiling_port, constant, seconds=warm_up, connections=c)
            ceilings[name] = wrk.run(
                ceiling_port, constant, seconds=seconds, connections=c
            )
            wrk.run(port, paths, seconds=warm_up, connections=c)
            returning = wrk.run(
                port,
                paths,
                seconds=seconds,
                connections=c,
                cookies=RETURNING_COOKIES,
                random_token=True,
            )
            anonymous = wrk.run(port, paths, seconds=seconds, connections=c)
            cached[name] = (returning, anonymous)
            wrk.run(uncached_port, paths, seconds=warm_up, connections=c)
            uncached[name] = wrk.run(
                uncached_port,
                paths,
                seconds=seconds,
                connections=c,
                cookies=RETURNING_COOKIES,
                random_token=True,
            )
        constant = [f"/__bench__/ceiling/{sizes['catalog']}/"]
        own_middleware = wrk.run(port, constant, seconds=seconds, connections=c)

    for name in pages:
        ceiling = ceilings[name].rps
        rows.append(
            (name, "constant page, Django's default middleware", ceilings[name], 1.0)
        )
        returning, anonymous = cached[name]
        rows.append(
            (name, "returning visitors, cached", returning, returning.rps / ceiling)
        )
        rows.append((name, "no cookies, cached", anonymous, anonymous.rps / ceiling))
        rows.append(
            (
                name,
                "returning visitors, no cache",
                uncached[name],
                uncached[name].rps / ceiling,
            )
        )
    catalog_ceiling = ceilings["catalog"].rps
    rows.append(
        (
            "catalog",
            "constant page, the portal's middleware",
            own_middleware,
            own_middleware.rps / catalog_ceiling,
        )
    )

    tool = rows[0][2].tool
    print(
        f"\nPublic pages: gunicorn 2 sync workers, PostgreSQL, Redis, {c} connections, "
        f"{seconds:.0f} s each, load by {tool}; sizes "
        + ", ".join(f"{name} {size} B" for name, size in sizes.items())
    )
    if tool != "wrk":
        print("(wrk is not installed: the figures are bounded by the Python client)")
    print(
        f"{'page':<14}{'measurement':<44}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}{'ratio':>7}"
    )
    for page, name, result, ratio in rows:
        print(
            f"{page:<14}{name:<44}{result.rps:>9.1f}{result.p50_ms:>8.1f}"
            f"{result.p99_ms:>8.1f}{result.errors:>7}{ratio:>7.2f}"
        )
    if args.verbose:
        profile(pages, env)
    if any(result.errors for _, _, result, _ in rows):
        sys.exit("errors during the benchmark")


if __name__ == "__main__":
    main()
