"""Make a set of pages nobody here wrote rules from: newspaper4k's public test pages, in the layout of
../shared/extraction-dev (html/<key>.html.gz, text/<key>.txt, ground-truth.json).

    python bench/ingest/unseen.py OUT

Its source distribution (MIT) holds real saved pages (news in English, Arabic, Chinese, Japanese, Spanish,
Thai and Latvian) each beside the article text its maintainers expect. It is downloaded with pip (the one
step here that uses the network); the text rendering of each page is its visible text, one block a line, as
the development set's renderings are.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import lxml.html

RELEASE = "newspaper4k==0.9.6"
# Pages of its fixtures that are not one article (front pages, a feed, redirects).
NOT_ARTICLES = {"cnn_main_site", "wired_main_site", "yahoo_main_site", "sample_rss", "ap_meta_refresh",
                "google_meta_refresh"}
BLOCKS = {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
          "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
          "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"}
HIDDEN = ("script", "style", "noscript", "template", "head", "svg")


def visible_text(html: bytes) -> str:
    try:
        tree = lxml.html.fromstring(html.decode("utf-8"))
    except UnicodeDecodeError:
        tree = lxml.html.fromstring(html)
    for element in list(tree.iter(*HIDDEN)):
        element.drop_tree()
    for element in tree.iter(*BLOCKS):
        element.tail = "\n" + (element.tail or "")
        element.text = "\n" + (element.text or "")
    lines = (" ".join(line.split()) for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def fixtures(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                    "--dest", str(folder), RELEASE], check=True)
    archive = next(folder.glob("*.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return next(folder.glob("*/tests/data"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    out = parser.parse_args().out
    (out / "html").mkdir(parents=True, exist_ok=True)
    (out / "text").mkdir(exist_ok=True)
    truth = {}
    with tempfile.TemporaryDirectory() as temporary:
        data = fixtures(Path(temporary))
        seen: set[bytes] = set()
        for page in sorted((data / "html").glob("*.html")):
            body = data / "txt" / f"{page.stem}.txt"
            html = page.read_bytes()
            # The fixtures hold one page under two names: ingest rightly writes it once.
            if page.stem in NOT_ARTICLES or not body.exists() or html in seen:
                continue
            seen.add(html)
            meta = data / "metadata" / f"{page.stem}.json"
            url = json.loads(meta.read_text(encoding="utf-8")).get("url", "") if meta.exists() else ""
            (out / "html" / f"{page.stem}.html.gz").write_bytes(gzip.compress(html, mtime=0))
            (out / "text" / f"{page.stem}.txt").write_text(visible_text(html), encoding="utf-8")
            truth[page.stem] = {"url": url, "articleBody": body.read_text(encoding="utf-8")}
    (out / "ground-truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(truth)} pages in {out}")


if __name__ == "__main__":
    main()
