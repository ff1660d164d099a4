"""Backup and restore, tested: ops/backup.sh dumps a seeded database, the dump
is restored into a fresh database, and every table's rows and the report's
figures are compared.

    .venv/bin/python bench/backup_restore.py                      # 100,000 applications
    .venv/bin/python bench/backup_restore.py --quick              # 2,000 (CI)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    ROOT,
    database_url,
    ensure_database,
    environment,
    manage,
    scratch,
)


def admin_sql(url: str, sql: str) -> None:
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def table_counts(url: str) -> dict[str, int]:
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(url)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            )
            counts[table] = cursor.fetchone()[0]
    connection.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--applications", type=int, default=100_000)
    args = parser.parse_args()
    count = 2_000 if args.quick else args.applications

    source = database_url()
    ensure_database(source)
    env = environment()
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed_demo", "--applications", str(count), env=env)

    backups = scratch("backup")
    private = scratch("private")
    (private / "ab").mkdir()
    (private / "ab" / "scan.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    started = time.perf_counter()
    dump = subprocess.run(
        [str(ROOT / "ops" / "backup.sh")],
        env={
            **os.environ,
            "BACKUP_DIR": str(backups),
            "DATABASE_URL": source,
            "PRIVATE_MEDIA_ROOT": str(private),
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dumped = time.perf_counter() - started

    target_name = "copp_bench_restored"
    target = urllib.parse.urlunsplit(
        urllib.parse.urlsplit(source)._replace(path=f"/{target_name}")
    )
    admin_sql(source, f'DROP DATABASE IF EXISTS "{target_name}"')
    admin_sql(source, f'CREATE DATABASE "{target_name}"')
    started = time.perf_counter()
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "-d", target, dump],
        check=True,
    )
    restored = time.perf_counter() - started

    before, after = table_counts(source), table_counts(target)
    files = sorted(p.name for p in backups.glob("private-*/ab/*"))
    check = subprocess.run(
        [sys.executable, "manage.py", "rebuild_daily_intake", "--check"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": target},
        capture_output=True,
        text=True,
    )
    migrations = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check", "--noinput"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": target},
        capture_output=True,
        text=True,
    )
    admin_sql(source, f'DROP DATABASE IF EXISTS "{target_name}"')

    size = Path(dump).stat().st_size
    print(f"\nBackup and restore of {before['enrollment_application']} applications")
    print(f"  pg_dump (ops/backup.sh)   {dumped:6.1f} s, {size / 2**20:.1f} MB")
    print(f"  pg_restore                {restored:6.1f} s")
    print(f"  tables compared           {len(before)}, rows equal: {before == after}")
    print(f"  private files copied      {files}")
    print(f"  report figures agree      {check.returncode == 0}")
    print(f"  migrations up to date     {migrations.returncode == 0}")
    if (
        before != after
        or files != ["scan.pdf"]
        or check.returncode
        or migrations.returncode
    ):
        sys.exit("FAILED: the restore differs from the source")


if __name__ == "__main__":
    main()
