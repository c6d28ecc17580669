"""Score how the build groups articles into stories, as users run it: `build.py build` of a site, then the
stories read back from the pages it wrote.

    python bench/stories/run.py [--similarity X]

The set, `headlines-2014-03-10.tsv`, is 134 real headlines of one day with their publishers: the first rows
of the UCI News Aggregator data set (F. Gasparetti, 2016; CC BY 4.0; doi:10.24432/C5F61C), which Google
News had put in five stories. Its `event` column is a reader's judgement, made here: which headlines report
the same event (Charles Plosser's remarks on tapering; eBay rejecting Carl Icahn's nominees; McDonald's
February sales; US stocks falling on Chinese data; ...), an opinion piece, a preview or a different event
of the same company standing apart. Each headline becomes a content file with its publisher and no text (as
a headline saved alone), all on one day; the day's edition page then shows each story once, its other
articles under "Also:", and the stories are read back from it. Scored by pairs: precision is the share of
pairs put in one story that the reader put in one event, recall the share of the reader's pairs found.

The sample site is built the same way: its nine articles report nine events, so any story of two is a wrong
merge, and the count must be 0.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SET = Path(__file__).resolve().parent / "headlines-2014-03-10.tsv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--similarity", type=float, help="story_similarity for the headlines' site")
    arguments = parser.parse_args()
    rows = list(csv.DictReader(SET.open(encoding="utf-8"), delimiter="\t"))
    with tempfile.TemporaryDirectory() as work:
        site = Path(work) / "headlines"
        write_site(site, rows, arguments.similarity)
        groups = built_stories(site, "editions/2014-03-10.html")
        truth, titles = [row["event"] for row in rows], [row["title"] for row in rows]
        precision, recall, f1 = pair_scores(truth, groups, titles)
        print(f"headlines of 2014-03-10: {len(rows)} articles, {len(set(r['event'] for r in rows))} events "
              f"(a reader's), {len(groups)} stories built")
        print(f"  pairs: precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
        sample = Path(work) / "sample"
        (sample / "content").mkdir(parents=True)
        (sample / "site.toml").write_bytes((ROOT / "site.toml").read_bytes())
        for path in (ROOT / "content").glob("*.md"):
            (sample / "content" / path.name).write_bytes(path.read_bytes())
        build(sample)
        merged = sum(page.read_text(encoding="utf-8").count('class="also"')
                     for page in (sample / "output" / "editions").glob("*.html"))
        print(f"the sample: {len(list((sample / 'content').glob('*.md')))} articles of as many events; "
              f"stories of more than one article: {merged}")
    return 0


def write_site(site: Path, rows: list[dict[str, str]], similarity: float | None) -> None:
    content = site / "content"
    content.mkdir(parents=True)
    settings = 'title = "Headlines"\nbase_url = "https://example.org/"\n'
    if similarity is not None:
        settings += f"story_similarity = {similarity}\n"
    (site / "site.toml").write_text(settings, encoding="utf-8")
    for number, row in enumerate(rows):
        # In the set's order, a minute apart: the order Google News listed them in.
        moment = f"2014-03-10T{10 + number // 60:02d}:{number % 60:02d}:00+00:00"
        (content / f"h{int(row['id']):03d}.md").write_text(
            "---\n" + f"title: {quoted(row['title'])}\ndate: {moment}\nsource: {quoted(row['publisher'])}\n"
            + "---\n", encoding="utf-8")


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(site: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--site", str(site)], check=True,
                   stdout=subprocess.DEVNULL)


def built_stories(site: Path, page: str) -> list[list[str]]:
    """The stories on a page the build wrote: each entry's headline, then those of its 'Also:' articles."""
    build(site)
    reader = EntryReader()
    reader.feed((site / "output" / page).read_text(encoding="utf-8"))
    return reader.stories


class EntryReader(HTMLParser):
    """Reads each list entry: the text of its heading, and the title attribute of each article under
    'Also:'."""

    def __init__(self) -> None:
        super().__init__()
        self.stories: list[list[str]] = []
        self.heading = False
        self.also = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "article" and "entry" in (attributes.get("class") or "").split():
            self.stories.append([""])
        elif self.stories and tag in ("h2", "h3"):
            self.heading = True
        elif self.stories and tag == "p" and attributes.get("class") == "also":
            self.also = True
        elif self.also and tag in ("a", "span"):
            self.stories[-1].append(attributes.get("title") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "h3"):
            self.heading = False
        elif tag == "p":
            self.also = False

    def handle_data(self, data: str) -> None:
        if self.heading:
            self.stories[-1][0] += data


def pair_scores(truth: list[str], stories: list[list[str]], titles: list[str]) -> tuple[float, float, float]:
    """Precision, recall and F1 of same-story pairs (titles stand for articles; each must be found once)."""
    index = {title: number for number, title in enumerate(titles)}
    built = [0] * len(titles)
    found = [index[" ".join(title.split())] for story in stories for title in story]
    if sorted(found) != list(range(len(titles))):
        raise SystemExit("the edition page does not show every article exactly once")
    for number, story in enumerate(stories):
        for title in story:
            built[index[" ".join(title.split())]] = number
    pairs = list(itertools.combinations(range(len(titles)), 2))
    same_built = {pair for pair in pairs if built[pair[0]] == built[pair[1]]}
    same_truth = {pair for pair in pairs if truth[pair[0]] == truth[pair[1]]}
    both = len(same_built & same_truth)
    precision = both / len(same_built) if same_built else 1.0
    recall = both / len(same_truth) if same_truth else 1.0
    return precision, recall, 2 * precision * recall / (precision + recall) if both else 0.0


if __name__ == "__main__":
    sys.exit(main())
