"""Judging the next chunk of a large file while the current one is written.

Writing a chunk is mostly the database's own work (index pages, the write-ahead log), done
in C with Python's interpreter lock released; judging one is mostly Python (reading cells,
the registry's cleaning). On a second thread the judging of chunk N+1 fills the time the
writer waits for the database with chunk N, on a machine with two cores.

The judging thread reads the registry through its own connection, so what it saw may be
out of date by the time its chunk is written; the writer checks that (``ImportRun``) and
judges the chunk again in its transaction when someone changed one of its workers.

An in-memory SQLite database (the test suite's on SQLite) cannot be read by a second
connection while the first writes to it (it locks whole tables between connections); there
the chunks are judged ahead on the writer's own thread, with the same checks.
"""

import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connection
from django.utils import translation

_END = object()
# How long the judging thread waits for room before looking whether the writer stopped.
_POLL_SECONDS = 0.5
# How long a thread holding the interpreter lock may keep it from another that asks for it
# (Python's default is 5 ms). The writer asks for it back after every statement the
# database ran; at the default it waited out the judging thread's turn each time, which
# cost more than the thread saved (300,000 rows: 62 s against 54 s at 0.5 ms).
SWITCH_INTERVAL = 0.0005


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class JudgedAhead:
    """``(chunk, judge(chunk))`` for each chunk, judged one chunk ahead on a second thread.

    Use as a context manager: leaving it, however, stops the thread and waits for it."""

    def __init__(self, judge: Callable[[Any], Any], chunks: Iterable[Any]) -> None:
        self._judge = judge
        self._chunks = chunks
        self._on_thread = not (connection.vendor == "sqlite" and connection.is_in_memory_db())
        # One judged chunk waiting while one is written: memory for three chunks at most.
        self._judged: queue.Queue = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._language = translation.get_language()
        self._thread = threading.Thread(target=self._work, name="import-judge", daemon=True)

    def __enter__(self) -> "JudgedAhead":
        if self._on_thread:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL)
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._on_thread:
            self._stop.set()
            self._thread.join()
            sys.setswitchinterval(self._switch_interval)

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if not self._on_thread:
            yield from ((chunk, self._judge(chunk)) for chunk in self._chunks)
            return
        while True:
            item = self._judged.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item

    def _work(self) -> None:
        try:
            # Row messages are in the language the pass runs in, as on the writer's thread.
            with translation.override(self._language):
                for chunk in self._chunks:
                    if not self._put((chunk, self._judge(chunk))):
                        return
            self._put(_END)
        except BaseException as error:  # handed to the writer, which raises it
            self._put(_Failed(error))
        finally:
            connection.close()  # this thread's own connection

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._judged.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False
