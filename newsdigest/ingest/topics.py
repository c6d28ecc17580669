"""Assign topics and tags from the rules in site.toml: weighted phrases, words required together, exclusions,
the headline weighed above the body; and say which phrases gave each."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..config import MatchRule, Rules

# A phrase counts at most this often in the body, so that one name repeated does not make a topic on its own.
MAX_COUNT_PER_PHRASE = 3


@dataclass(frozen=True)
class Assignment:
    """A topic id or tag name given to an article, and the phrases that gave it ('rare earth ×3')."""

    name: str
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.name} ({', '.join(self.reasons)})"


@lru_cache(maxsize=4096)
def phrase_pattern(phrase: str) -> re.Pattern:
    """Whole-word match; a phrase with a capital letter must match in that case ('REE' but not 'free')."""
    words = [re.escape(word) for word in phrase.split()]
    flags = 0 if any(ch.isupper() for ch in phrase) else re.IGNORECASE
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", flags)


def _mentions(phrase: str, text: str) -> int:
    return len(phrase_pattern(phrase).findall(text))


def rule_score(title: str, body: str, rule: MatchRule) -> tuple[float, tuple[str, ...]]:
    """The rule's score and the phrases behind it: each phrase's weight times its mentions in the body (at
    most MAX_COUNT_PER_PHRASE) plus headline_weight if the headline has it."""
    score, reasons = 0.0, []
    for phrase, weight in rule.keywords.items():
        in_body, in_title = (
            min(_mentions(phrase, body), MAX_COUNT_PER_PHRASE),
            min(_mentions(phrase, title), 1),
        )
        if in_body or in_title:
            score += weight * (in_body + rule.headline_weight * in_title)
            reasons.append(
                phrase + (f" ×{in_body}" if in_body > 1 else "") + (" in the headline" if in_title else "")
            )
    return score, tuple(reasons)


def matches(title: str, body: str, rule: MatchRule) -> Assignment | None:
    """The rule's assignment, if the text reaches its threshold, has a phrase of every `all` group and none of
    its `none` phrases."""
    text = f"{title}\n{body}"
    if any(_mentions(phrase, text) for phrase in rule.none):
        return None
    if not all(any(_mentions(phrase, text) for phrase in group) for group in rule.all):
        return None
    score, reasons = rule_score(title, body, rule)
    return Assignment(rule.label, reasons) if rule.keywords and score >= rule.threshold else None


def _assign(title: str, body: str, rules: Iterable[MatchRule]) -> list[Assignment]:
    return [found for rule in rules if (found := matches(title, body, rule))]


def assign_topics(title: str, body: str, rules: Rules) -> list[Assignment]:
    return _assign(title, body, rules.topics)


def assign_tags(title: str, body: str, rules: Rules) -> list[Assignment]:
    return _assign(title, body, rules.tags)
