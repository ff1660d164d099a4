"""Contracts printed at scale: how long a batch of contracts takes on PostgreSQL.

It seeds the benchmark database with demo applications, then prepares a
contract (numbered, printed to PDF, stored with its checksum) for N
applications on the paid stream through the service staff use: first one
after another, then from 4 threads at once (numbers are taken under a row
lock, so the batch is serialised where it must be), then as a group's batch
(the task's work: each applicant gave their details on their page). It prints
the time per batch and per contract and checks the numbers have no gap. The
contracts it made are removed at the end.

    .venv/bin/python bench/papers.py            # 200 contracts
    .venv/bin/python bench/papers.py --quick    # 20, as CI runs it
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import prepare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--contracts", type=int)
    args = parser.parse_args()
    count = args.contracts or (20 if args.quick else 200)
    prepare("--applications", "300")

    from django.contrib.auth import get_user_model
    from django.db import connections

    from enrollment.models import Contract, PaperCounter
    from enrollment.services import Actor
    from enrollment.services.contract_terms import (
        CONTRACT_STATUSES,
        Party,
        default_party,
    )
    from enrollment.services.contracts import (
        prepare_contract,
    )
    from programs.models import CENTRE_PK, Centre

    assert Centre.objects.filter(pk=CENTRE_PK).exists(), "seed_demo fills the centre in"
    user, _ = get_user_model().objects.get_or_create(
        username="bench-papers", defaults={"is_staff": True}
    )
    actor = Actor.staff(user)
    # A paid group of its own, filled through the public path's service.
    from decimal import Decimal
    from uuid import uuid4

    from programs.models import Venue
    from tests.factories import CohortFactory, ProgramFactory, submit

    run = uuid4().hex[:8]
    program = ProgramFactory(
        slug=f"bench-papers-{run}", title=f"Сварщик ({run})", price=Decimal("48500")
    )
    cohort = CohortFactory(
        program=program,
        venue=Venue.objects.order_by("pk").first(),
        code=f"PAPERS-{run}",
        quotas={"personal": count * 3},
    )
    candidates = [submit(cohort, stream_code="personal") for _ in range(count * 3)]
    assert all(a.status in CONTRACT_STATUSES for a in candidates)

    def one(application) -> float:
        party = Party(
            **{
                **default_party(application).__dict__,
                "address": "г. Энск, ул. Заводская, д. 3, кв. 14",
                "identity_document": "паспорт 4510 123456",
            }
        )
        started = time.perf_counter()
        prepare_contract(
            application=application, actor=actor, party=party, instalments=3
        )
        return time.perf_counter() - started

    counters_before = {
        c.pk: c.last
        for c in PaperCounter.objects.filter(kind=PaperCounter.Kind.CONTRACT)
    }
    print(f"Contracts for {count} applications on the paid stream (PostgreSQL)")
    started = time.perf_counter()
    times = [one(a) for a in candidates[:count]]
    serial = time.perf_counter() - started
    print(
        f"  one after another   {serial:6.1f} s for {count}; per contract "
        f"median {statistics.median(times) * 1000:.0f} ms, "
        f"p95 {sorted(times)[int(len(times) * 0.95) - 1] * 1000:.0f} ms"
    )

    def threaded(application) -> float:
        try:
            return one(application)
        finally:
            connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(threaded, candidates[count : count * 2]))
    parallel = time.perf_counter() - started
    print(f"  from 4 threads      {parallel:6.1f} s for {count}")

    from enrollment.models import ContractBatch, CustomerDetails
    from enrollment.services.contract_batch import (
        give_customer_details,
        request_contract_batch,
        run_contract_batch,
    )

    for application in candidates[count * 2 :]:
        give_customer_details(
            application=application,
            party=Party(
                address="г. Энск, ул. Заводская, д. 3, кв. 14",
                identity_document="паспорт 4510 123456",
            ),
        )
    batch = request_contract_batch(cohort_id=cohort.pk, actor=actor, send=True)
    started = time.perf_counter()
    batch = run_contract_batch(batch.pk)
    grouped = time.perf_counter() - started
    print(
        f"  a group's batch     {grouped:6.1f} s for {batch.prepared} of {batch.total} "
        f"(prepared and sent, as the task does)"
    )

    made = Contract.objects.filter(application__cohort=cohort).order_by("number")
    numbers = list(made.values_list("number", flat=True))
    gapless = numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    print(f"  contracts made      {made.count()}, numbers without a gap: {gapless}")
    sizes = [c.pdf.size for c in made[:20]]
    print(f"  PDF size            median {statistics.median(sizes) / 1024:.0f} KB")
    # Leave the benchmark database as it was.
    for contract in made:
        contract.pdf.delete(save=False)
    Contract.audit.filter(application__cohort=cohort).delete()
    made.delete()
    # The counters as they were: the demo's own contracts keep their numbers.
    for counter in PaperCounter.objects.filter(kind=PaperCounter.Kind.CONTRACT):
        if counter.pk in counters_before:
            counter.last = counters_before[counter.pk]
            counter.save(update_fields=["last"])
        else:
            counter.delete()
    ContractBatch.objects.filter(cohort=cohort).delete()
    CustomerDetails.objects.filter(application__cohort=cohort).delete()
    if not gapless or batch.prepared != count:
        sys.exit(1)


if __name__ == "__main__":
    main()
