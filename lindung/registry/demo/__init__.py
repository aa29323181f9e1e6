"""Realistic synthetic workers for demonstrations and benchmarks (`lindung seed_demo`).

Values are generated directly in the cleaned form ``clean_worker_values`` produces (phone as
`+62…`, RT as `004`, NIK consistent with birth date, sex and a Kukar district), so tens of
thousands of rows can be written with ``bulk_create`` instead of one service call each. The
tests run a sample back through ``clean_worker_values`` to keep the two in step.

The same seed and the same ``now`` always give the same people. The work is split by subject
(people, places, numbers, the generator, seeding); callers import from here.
"""

from lindung.registry.demo.generator import PROGRAMME_START, DemoGenerator, DemoWorker
from lindung.registry.demo.people import Person
from lindung.registry.demo.seeding import BATCH_SIZE, seed_demo_workers

__all__ = [
    "BATCH_SIZE",
    "PROGRAMME_START",
    "DemoGenerator",
    "DemoWorker",
    "Person",
    "seed_demo_workers",
]
