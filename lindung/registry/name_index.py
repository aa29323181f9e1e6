"""Keeping the name-search index (``WorkerNameToken``) in step with workers' names."""

from collections.abc import Iterable

from django.db.models import Q

from lindung.core.bulk_insert import insert_rows
from lindung.registry.models import Worker, WorkerNameToken

TOKEN_LENGTH = 40


def name_tokens(name_normalized: str) -> list[str]:
    return sorted({word[:TOKEN_LENGTH] for word in name_normalized.split() if word})


def index_names(workers: Iterable[Worker], *, replace: bool = True) -> None:
    """Write the tokens of these workers' names (replacing old ones unless they are new)."""
    workers = list(workers)
    if replace:
        WorkerNameToken.objects.filter(worker__in=[w.pk for w in workers]).delete()
    # Plain rows rather than ``bulk_create``: an import writes a few tokens per worker,
    # millions for a large file.
    insert_rows(
        WorkerNameToken,
        ("worker_id", "token"),
        [(worker.pk, token) for worker in workers for token in name_tokens(worker.name_normalized)],
    )


def name_prefix_filter(word: str) -> Q:
    """Workers one of whose name words starts with ``word`` (already normalised)."""
    return Q(pk__in=_words_starting_with(word).values("worker_id"))


def _words_starting_with(word: str):
    word = word[:TOKEN_LENGTH]
    # A range on the index instead of LIKE 'x%': both databases walk the index for it.
    upper = word[:-1] + chr(ord(word[-1]) + 1)
    return WorkerNameToken.objects.filter(token__gte=word, token__lt=upper)


def is_common_name_search(words: list[str], *, more_than: int) -> bool:
    """Whether every word matches more than ``more_than`` names (`muhammad`, `siti`).

    Counting such a search exactly costs more than it tells; a rare word's count is cheap,
    and a capped count would make the database scan for it (it expects to stop early)."""
    return bool(words) and fewest_matches(words, cap=more_than) > more_than


def fewest_matches(words: list[str], *, cap: int) -> int:
    """How many name words start with the rarest of ``words``, counted up to ``cap + 1``:
    a bound on how many workers a search for all of them can find."""
    return min(_words_starting_with(word)[: cap + 1].count() for word in words)
