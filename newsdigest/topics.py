"""Assign topics and tags from the keyword rules in site.toml: whole words, case where it matters, weights."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping

from .config import Config

# A phrase counts at most this often, so that one name repeated does not make a topic on its own.
MAX_COUNT_PER_PHRASE = 3


@lru_cache(maxsize=4096)
def phrase_pattern(phrase: str) -> re.Pattern:
    """Whole-word match; a phrase with a capital letter must match in that case ('REE' but not 'free')."""
    words = [re.escape(word) for word in phrase.split()]
    flags = 0 if any(ch.isupper() for ch in phrase) else re.IGNORECASE
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", flags)


def rule_score(text: str, keywords: Mapping[str, float]) -> float:
    return sum(weight * min(len(phrase_pattern(phrase).findall(text)), MAX_COUNT_PER_PHRASE)
               for phrase, weight in keywords.items())


def assign_topics(text: str, config: Config) -> list[str]:
    return [topic.id for topic in config.topics
            if topic.keywords and rule_score(text, topic.keywords) >= topic.threshold]


def assign_tags(text: str, config: Config) -> list[str]:
    return [rule.name for rule in config.tags if rule.keywords and rule_score(text, rule.keywords) >= rule.threshold]
