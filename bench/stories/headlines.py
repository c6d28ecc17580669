"""A digest site made of the set's real headlines (headlines-2014-03-10.tsv): for the stories benchmark, the
browser tests of a digest with same-story groups, and the screenshots of one."""

from __future__ import annotations

import csv
import json
from pathlib import Path

SET = Path(__file__).resolve().parent / "headlines-2014-03-10.tsv"
TOPICS = ("markets", "companies", "central-banks")


def rows() -> list[dict[str, str]]:
    """The set's rows: id, publisher, title and a reader's event."""
    return list(csv.DictReader(SET.open(encoding="utf-8"), delimiter="\t"))


def write_site(site: Path, settings: str = "", text: bool = False) -> None:
    """Each headline as a content file with its publisher and the address of its original, a minute apart in
    the set's order (the order Google News listed them in) on 10 March 2014. With `text`, each gets two
    short paragraphs and one of three topics in turn, as a digest's articles have."""
    content = site / "content"
    content.mkdir(parents=True)
    topics = "".join(f'\n[[topics]]\nid = "{t}"\nname = "{t.replace("-", " ").title()}"\n' for t in TOPICS)
    (site / "site.toml").write_text(f'title = "Headlines"\nbase_url = "https://example.org/digest/"\n{settings}'
                                    + (topics if text else ""), encoding="utf-8")
    for number, row in enumerate(rows()):
        front = {"title": row["title"], "date": f"2014-03-10T{10 + number // 60:02d}:{number % 60:02d}:00Z",
                 "source": row["publisher"], "source_url": f"https://example.org/{row['id']}"}
        body = ""
        if text:
            front["topics"] = [TOPICS[number % len(TOPICS)]]
            body = f"{row['title']}. {row['publisher']} reported it on Monday.\n\nA second paragraph.\n"
        (content / f"h{int(row['id']):03d}.md").write_text(
            "---\n" + "".join(f"{key}: {json.dumps(value)}\n" for key, value in front.items()) + "---\n"
            + body, encoding="utf-8")
