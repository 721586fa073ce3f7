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


NO_PROGRESS = Progress(0, False)
