"""Catalog page throughput under gunicorn (2 workers) on PostgreSQL with demo data.

It measures, in one run and through the same server and middleware:
  * the ceiling: a minimal Django view answering a page of the catalog's size;
  * the catalog as deployed (public pages cached CATALOG_CACHE_SECONDS);
  * the catalog with no cache at all, for reference;
and prints requests per second, p50/p95 latency and the ratio to the ceiling.

    .venv/bin/python bench/catalog_rps.py            # 15 s per measurement
    .venv/bin/python bench/catalog_rps.py --quick    # 2 s, as CI runs it

BENCH_DATABASE_URL selects the database (default postgres://postgres@127.0.0.1/copp_bench).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    database_url,
    ensure_database,
    environment,
    get,
    gunicorn,
    load,
    manage,
    scratch,
)

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 s per measurement")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    seconds = 2.0 if args.quick else args.seconds
    paths = CATALOG_PATHS

    ensure_database(database_url())
    static_root = str(scratch("static"))
    env = environment(STATIC_ROOT=static_root)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_demo", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)

    rows = []
    with gunicorn(env=env) as port:
        status, body = get(port, "/programs/")
        assert status == 200, status
        size = len(body)
        load(port, paths, clients=args.clients, seconds=min(1.0, seconds))  # warm up
        ceiling = load(
            port, [f"/__bench__/ceiling/{size}/"], clients=args.clients, seconds=seconds
        )
        cached = load(port, paths, clients=args.clients, seconds=seconds)
    rows.append(("ceiling: minimal view, same size", ceiling))
    rows.append(("catalog, as deployed (cache 5 s)", cached))

    with gunicorn(
        env=environment(STATIC_ROOT=static_root, CATALOG_CACHE_SECONDS="0")
    ) as port:
        load(port, paths, clients=args.clients, seconds=min(1.0, seconds))
        uncached = load(port, paths, clients=args.clients, seconds=seconds)
    rows.append(("catalog, no cache", uncached))

    print(
        f"\nCatalog benchmark: gunicorn 2 sync workers, PostgreSQL, {args.clients} "
        f"clients, {seconds:.0f} s each, page {size} bytes"
    )
    print(
        f"{'measurement':<36}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'ratio':>8}"
    )
    for name, result in rows:
        ratio = result.rps / ceiling.rps if ceiling.rps else 0
        print(
            f"{name:<36}{result.rps:>9.1f}{result.percentile(50):>9.1f}"
            f"{result.percentile(95):>9.1f}{result.errors:>8}{ratio:>8.2f}"
        )
    if any(result.errors for _, result in rows):
        sys.exit("errors during the benchmark")


if __name__ == "__main__":
    main()
