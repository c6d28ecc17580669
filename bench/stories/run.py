"""Score how the build groups articles into stories, as users run it: `build.py build` of a site, then the
stories read back from the pages it wrote.

    python bench/stories/run.py [--similarity X]

The set, `headlines-2014-03-10.tsv`, is 134 real headlines of one day with their publishers: the first rows
of the UCI News Aggregator data set (F. Gasparetti, 2016; CC BY 4.0; doi:10.24432/C5F61C), which Google
News had put in five stories. Its `event` column is a reader's judgement, made here: which headlines report
the same event (Charles Plosser's remarks on tapering; eBay rejecting Carl Icahn's nominees; McDonald's
February sales; US stocks falling on Chinese data; ...), an opinion piece, a preview or a different event
of the same company standing apart. Each headline becomes a content file with its publisher and no text (as
a headline saved with the address of its original), all on one day; each article's page then lists the
other reports of its story ("The same story elsewhere"), and the stories are read back from those pages.
Scored by pairs: precision is the share of pairs put in one story that the reader put in one event, recall
the share of the reader's pairs found.

The second set is articles with their text: the 50 development pages of ../shared/extraction-dev/ (real news
pages of many sites, most of 18-20 November 2019), put through `build.py ingest` as a user would, then
built. `development-pages.tsv` is a reader's judgement of them: two events reported twice (New York's
attorney general investigating WeWork, by VentureBeat and TechCrunch; South Dakota's "Meth. We're on it."
campaign, by The Hill and NJ.com), every other page an event of its own, among them pages of one subject and
days (two NASA stories, three cars shown at the Los Angeles Auto Show and a review of the show, two on
Delhi's air) that a grouping by shared words would wrongly join.

The sample site is built the same way: its nine articles report nine events, so any story of two is a wrong
merge, and the count must be 0.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import itertools
import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import headlines  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--similarity", type=float, help="story_similarity for the headlines' site")
    arguments = parser.parse_args()
    rows = headlines.rows()
    with tempfile.TemporaryDirectory() as work:
        site = Path(work) / "headlines"
        similarity = arguments.similarity
        headlines.write_site(site, "" if similarity is None else f"story_similarity = {similarity}\n")
        groups = built_stories(site)
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
        score_development_pages(Path(work) / "pages", similarity)
    return 0


DEVELOPMENT = ROOT.parent / "shared" / "extraction-dev" / "html"
INGESTED = re.compile(r"^written\s+(\S+)\.html -> content/(\S+)\.md", re.MULTILINE)


def score_development_pages(site: Path, similarity: float | None) -> None:
    """The development pages ingested, built and scored against the reader's events."""
    if not DEVELOPMENT.exists():
        raise SystemExit(f"{DEVELOPMENT} is missing: the second set needs ../shared/extraction-dev/")
    events = {row["key"]: row["event"] for row in csv.DictReader(
        (Path(__file__).resolve().parent / "development-pages.tsv").open(encoding="utf-8"), delimiter="\t")}
    pages = site / "pages"
    pages.mkdir(parents=True)
    for key in events:
        (pages / f"{key}.html").write_bytes(gzip.decompress((DEVELOPMENT / f"{key}.html.gz").read_bytes()))
    (site / "site.toml").write_text('title = "Pages"\nbase_url = "https://example.org/"\n'
                                    + ("" if similarity is None else f"story_similarity = {similarity}\n"),
                                    encoding="utf-8")
    report = subprocess.run([sys.executable, str(ROOT / "build.py"), "ingest", "--site", str(site), "--date",
                             "2019-11-19", str(pages)], check=True, capture_output=True, text=True).stdout
    slugs = dict(INGESTED.findall(report))
    if sorted(slugs) != sorted(events):
        raise SystemExit(f"ingest wrote {len(slugs)} of the {len(events)} pages:\n{report}")
    groups = built_stories(site)
    articles = site / "output" / "articles"
    titles = [" ".join(_headline(articles / f"{slugs[key]}.html").split()) for key in events]
    precision, recall, f1 = pair_scores(list(events.values()), groups, titles)
    print(f"development pages, with their text: {len(events)} articles, {len(set(events.values()))} events "
          f"(a reader's), {len(groups)} stories built")
    print(f"  pairs: precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    for story in groups:
        if len(story) > 1:
            print("  one story: " + " | ".join(story))


def _headline(page: Path) -> str:
    reader = StoryReader()
    reader.feed(page.read_text(encoding="utf-8"))
    return reader.titles[0]


def build(site: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--site", str(site)], check=True,
                   stdout=subprocess.DEVNULL)


def built_stories(site: Path) -> list[list[str]]:
    """The stories the build made, read from the article pages it wrote: each page's headline, then those
    it lists as the same story elsewhere; a story once, however many of its pages list it. A page that lists
    a few and links to the whole list (its story's lead's) is left to that one."""
    build(site)
    stories: dict[frozenset[str], list[str]] = {}
    for page in sorted((site / "output" / "articles").glob("*.html")):
        reader = StoryReader()
        reader.feed(page.read_text(encoding="utf-8"))
        if reader.partial:
            continue
        titles = [" ".join(title.split()) for title in reader.titles]
        stories.setdefault(frozenset(titles), titles)
    return list(stories.values())


class StoryReader(HTMLParser):
    """Reads an article page: its headline (the first <h1>), then the headline of each article listed under
    'The same story elsewhere' (the list in the section #also), and whether that section links to another
    page's whole list (`partial`)."""

    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []
        self.depth = 0  # inside <section id="also">, how many sections deep
        self.reading = False
        self.partial = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section" and (self.depth or attributes.get("id") == "also"):
            self.depth += 1
        elif self.depth and tag == "a" and (attributes.get("href") or "").endswith("#also"):
            self.partial = True
        elif (tag == "h1" and not self.titles) or (self.depth and tag == "li"):
            self.titles.append("")
            self.reading = True
        elif self.reading and tag == "span":
            self.reading = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.depth:
            self.depth -= 1
        elif tag in ("h1", "li"):
            self.reading = False

    def handle_data(self, data: str) -> None:
        if self.reading:
            self.titles[-1] += data


def pair_scores(truth: list[str], stories: list[list[str]], titles: list[str]) -> tuple[float, float, float]:
    """Precision, recall and F1 of same-story pairs (titles stand for articles; each must be found once)."""
    index = {title: number for number, title in enumerate(titles)}
    built = [0] * len(titles)
    found = [index[" ".join(title.split())] for story in stories for title in story]
    if sorted(found) != list(range(len(titles))):
        raise SystemExit("the article pages do not put every article in exactly one story")
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
