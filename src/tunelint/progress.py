"""A progress bar on stderr for long runs (tqdm): only on a terminal, never in CI logs or
when stderr is piped, and only for files large enough to take a moment."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any

MIN_BYTES = 16_000_000
_UPDATE_EVERY = 1 << 20


class Progress:
    """Bytes read across the files of one run; a no-op unless a bar is worth showing."""

    def __init__(self, total_bytes: int, enabled: bool) -> None:
        self.bar: Any = None
        if enabled and total_bytes >= MIN_BYTES:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total_bytes, unit="B", unit_scale=True, unit_divisor=1024,
                desc="tunelint", file=sys.stderr, leave=False, dynamic_ncols=True,
            )  # fmt: skip

    @classmethod
    def for_files(cls, paths: list[str]) -> Progress:
        shown = sys.stderr.isatty() and not os.environ.get("CI")
        total = sum(os.path.getsize(p) for p in paths if os.path.isfile(p)) if shown else 0
        return cls(total, shown)

    @property
    def shown(self) -> bool:
        return self.bar is not None

    @classmethod
    def into_slot(cls, counts: Any, slot: int) -> Progress:
        """A worker's progress: the bytes of the lines it passes are added to ``counts[slot]``
        (a shared array), which the parent's bar reads."""
        progress = cls(0, False)
        progress.bar = _SlotCounter(counts, slot)
        return progress

    def update(self, size: int) -> None:
        if self.bar is not None:
            self.bar.update(size)

    def lines(self, lines: Iterable[bytes]) -> Iterator[bytes]:
        """Pass lines through, counting their bytes in batches."""
        if self.bar is None:
            yield from lines
            return
        pending = 0
        for line in lines:
            pending += len(line)
            if pending >= _UPDATE_EVERY:
                self.bar.update(pending)
                pending = 0
            yield line
        self.bar.update(pending)

    def clear(self) -> None:
        """Take the bar off the terminal before other output; it returns on the next update."""
        if self.bar is not None:
            self.bar.clear()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _SlotCounter:
    """Stands in for a tqdm bar in a worker process: counts into one slot of a shared array."""

    def __init__(self, counts: Any, slot: int) -> None:
        self.counts = counts
        self.slot = slot

    def update(self, size: int) -> None:
        self.counts[self.slot] += size


NO_PROGRESS = Progress(0, False)
