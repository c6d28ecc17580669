"""Body-extraction scoring in the manner of the Article Extraction Benchmark (Zyte, MIT).

Per page: the 4-token shingles of the extracted and the true body, counted as multisets; shared ones are
true positives, extra ones false positives, missing ones false negatives, normalised by their sum so that
long pages weigh no more than short ones. Precision and recall are averaged over pages; F1 comes from them.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

TOKEN = re.compile(r"\w+")
SHINGLE = 4


@dataclass(frozen=True)
class PageScore:
    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float | None:
        if self.tp + self.fp == 0:
            return None
        return 1.0 if self.fp == self.fn == 0 else self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        if self.tp + self.fn == 0:
            return None
        return 1.0 if self.fp == self.fn == 0 else self.tp / (self.tp + self.fn)


def shingles(text: str) -> Counter:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1))
                   if tokens[i:i + SHINGLE])


def score_page(true: str, extracted: str) -> PageScore:
    expected, found = shingles(true), shingles(extracted)
    tp = sum((expected & found).values())
    fp = sum((found - expected).values())
    fn = sum((expected - found).values())
    total = tp + fp + fn
    return PageScore(tp / total, fp / total, fn / total) if total else PageScore(0.0, 0.0, 0.0)


def summarise(scores: list[PageScore]) -> tuple[float, float, float]:
    """Mean precision, mean recall, and the F1 of those two means."""
    precision = statistics.mean(s.precision for s in scores if s.precision is not None)
    recall = statistics.mean(s.recall for s in scores if s.recall is not None)
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0
