"""Progress of the long commands (the scale data, imports, exports): a bar with counts and
the time left when someone watches a terminal; a few plain lines when the output goes to a
log, a pipe or a test, where a bar's carriage returns would be noise."""

import math
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from contextlib import contextmanager
from typing import Any, TypeVar

from tqdm import tqdm

T = TypeVar("T")

# Plain lines: one at about every tenth of the work (every PLAIN_SECONDS when the total is
# unknown), then one at the end. A bar redraws at most every BAR_SECONDS.
PLAIN_STEPS = 10
PLAIN_SECONDS = 10.0
BAR_SECONDS = 0.5


def progress(
    iterable: Iterable[T],
    *,
    total: int | None = None,
    desc: str,
    unit: str = "rows",
    stream: Any = None,
) -> Iterator[T]:
    """Yield the items of `iterable`, counting them as they are used. `total` defaults to
    len(iterable) where it has one. `stream` is a command's self.stdout or a file; None
    is sys.stderr (tqdm's default), which keeps a command's standard output clean."""
    if total is None and isinstance(iterable, Sized):
        total = len(iterable)
    with progress_steps(total=total, desc=desc, unit=unit, stream=stream) as advance:
        for item in iterable:
            yield item
            advance(1)


@contextmanager
def progress_steps(
    *, total: int | None, desc: str, unit: str = "rows", stream: Any = None
) -> Iterator[Callable[[int], None]]:
    """For work counted in steps, such as batches of a bulk insert:
    `with progress_steps(total=n, desc="people", stream=self.stdout) as advance: advance(k)`.
    Work that fails shows no closing line."""
    out = underlying_file(stream)
    if out.isatty():
        # The bar goes to the file itself: a Django OutputWrapper would end each redraw
        # with a new line. A terminal that reports no size (a bare pty) gets 80 x 24,
        # not an empty bar.
        size = shutil.get_terminal_size()
        with tqdm(
            total=total,
            desc=desc,
            unit=unit,
            file=out,
            mininterval=BAR_SECONDS,
            ncols=size.columns,
            nrows=size.lines,
        ) as bar:
            yield bar.update
    else:
        lines = PlainLines(out, total=total, desc=desc, unit=unit)
        yield lines.advance
        lines.finish()


def underlying_file(stream: Any) -> Any:
    """The file under a command's OutputWrapper (its `_out`), or `stream` itself."""
    if stream is None:
        return sys.stderr
    return getattr(stream, "_out", stream)


class PlainLines:
    """ "people: 5,000 of 50,000 (10%)" at about every tenth, then the count and the time
    taken at the end."""

    def __init__(self, out: Any, *, total: int | None, desc: str, unit: str):
        self.out, self.total, self.desc, self.unit = out, total or 0, desc, unit  # 0: unknown
        self.done = 0
        self.started = self.written = time.monotonic()
        self.step = math.ceil(self.total / PLAIN_STEPS) if self.total else 0
        self.next_line = self.step

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.step:
            if self.done >= self.next_line:
                self.next_line = (self.done // self.step + 1) * self.step
                if self.done < self.total:
                    self.write()
        elif time.monotonic() - self.written >= PLAIN_SECONDS:
            self.write()

    def finish(self) -> None:
        self.write(f" in {time.monotonic() - self.started:.1f} s")

    def write(self, end: str = "") -> None:
        self.written = time.monotonic()
        if self.total:
            counted = f"{self.done:,} of {self.total:,} ({self.done * 100 // self.total}%)"
        else:
            counted = f"{self.done:,} {self.unit}"
        self.out.write(f"{self.desc}: {counted}{end}\n")
        self.out.flush()
