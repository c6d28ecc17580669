"""A progress bar on a terminal for builds that take over a second; silent otherwise."""

from __future__ import annotations

import sys
from typing import Any

SHOW_AFTER_SECONDS = 1.0


class ProgressBar:
    def __init__(self, enabled: bool = True, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.bar: Any = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self, label: str, total: int) -> None:
        self.close()
        if self.enabled:
            # Imported only for a terminal: builds in CI and scripts start without it.
            from tqdm import tqdm

            self.bar = tqdm(total=total or None, desc=label, unit=" files", delay=SHOW_AFTER_SECONDS,
                            file=self.stream, leave=False, dynamic_ncols=True)

    def advance(self, count: int) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
