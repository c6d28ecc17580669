"""A digest site made of the set's real headlines (headlines-2014-03-10.tsv): for the stories benchmark, the
browser tests of a digest with same-story groups, and the screenshots of one."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
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


CORPUS = Path(__file__).resolve().parents[3] / "shared" / "bench-peers" / "make_corpus.py"


def write_backlog(site: Path, count: int, days: int = 6) -> None:
    """`count` articles of the days before the set's, a digest's ordinary week: the benchmark corpus's
    articles (../shared/bench-peers/make_corpus.py: 500-700 words, tags, a publisher, a summary), dated
    evenly over the `days` days before 10 March 2014 from 07:00 to 19:00 and filed under the three topics in
    turn. Each is its own event, so stories among them are the build's doing."""
    import frontmatter

    if not CORPUS.exists():
        raise SystemExit(f"the corpus generator {CORPUS} is missing: see ../shared/README.md")
    with tempfile.TemporaryDirectory() as temporary:
        subprocess.run([sys.executable, str(CORPUS), "--n", str(count), "--format", "neutral", "--out",
                        temporary], check=True, capture_output=True)
        for number, path in enumerate(sorted((Path(temporary) / "content").glob("*.md"))):
            post = frontmatter.load(path)
            day, slot = divmod(number * days * 720 // count, 720)
            post["date"] = f"2014-03-{10 - days + day:02d}T{7 + slot // 60:02d}:{slot % 60:02d}:00Z"
            post["topics"] = [TOPICS[number % len(TOPICS)]]
            (site / "content" / f"b{number:04d}.md").write_text(frontmatter.dumps(post) + "\n",
                                                                encoding="utf-8")
