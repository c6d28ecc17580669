"""Score ingest as users run it: `build.py ingest FOLDER` into a fresh site, then the written bodies are
scored.

    python bench/ingest/run.py [--data ../shared/extraction-dev] [--unseen DIR ...] [--pages]

For the sample and for the development set (HTML pages and their text renderings), each set is copied into a
folder and ingested by the real command in a subprocess, timed end to end (start-up included, with
NEWSDIGEST_WORKERS=1, so pages per second are per core, as trafilatura's in this process are). Each written
content/*.md is matched to its page by `ingested_from.file`; a page with no file (failed, or taken for a
duplicate) scores as an empty body. trafilatura alone, with its
defaults, runs beside it on the same HTML pages. The development pages are split by a fixed rule (keys ending
in c, d, e or f are held out): rules are written looking at the other pages only, and both figures are shown.
Each --unseen folder (same layout; `bench/ingest/unseen.py` makes one from another project's public test
pages) is scored whole: no rule here was written looking at it.

Over every page written, the checks count what a reader would call a fault whatever the truth says: a body
that ends without closing punctuation, a file holding invisible format characters, a summary that is not a
sentence (a date, a byline, a label, a dateline, cut short), a title that ends in its publisher's name.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import frontmatter  # noqa: E402
import trafilatura  # noqa: E402
from checks import Checks  # noqa: E402
from score import score_page, summarise  # noqa: E402

from newsdigest.markup import markdown_to_html, plain_text  # noqa: E402

SAMPLE = ROOT / "tests" / "fixtures" / "sample"
HELD_OUT = set("cdef")
SITE_TOML = 'title = "Ingest benchmark"\n'


def ingest_folder(files: dict[str, bytes]) -> tuple[dict[str, frontmatter.Post], float, str]:
    """Ingest the files with the command line; each input's name -> the content file written for it, the
    seconds, the report."""
    with tempfile.TemporaryDirectory() as temporary:
        site, inbox = Path(temporary) / "site", Path(temporary) / "inbox"
        site.mkdir()
        inbox.mkdir()
        (site / "site.toml").write_text(SITE_TOML)
        for name, data in files.items():
            (inbox / name).write_bytes(data)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "ingest", "--site", str(site),
                                 "--date", "2025-01-01", str(inbox)], capture_output=True, text=True,
                                env={**os.environ, "NEWSDIGEST_WORKERS": "1"})
        elapsed = time.perf_counter() - started
        if "Traceback" in result.stderr:
            raise SystemExit(f"ingest crashed:\n{result.stderr}")
        posts = {}
        for path in (site / "content").glob("*.md"):
            post = frontmatter.loads(path.read_text(encoding="utf-8"))
            posts[post.metadata["ingested_from"]["file"]] = post
        return posts, elapsed, result.stdout + result.stderr


def body_text(post: frontmatter.Post) -> str:
    return "\n\n".join(plain_text(p) for p in markdown_to_html(post.content).split("</p>"))


def first_page_seconds(files: dict[str, bytes]) -> float:
    """What a run costs before its pages (start-up, imports, the word lists the libraries load on first use)
    and with its first page: the best of three runs on the set's first page alone."""
    first = min(files)
    return min(ingest_folder({first: files[first]})[1] for _ in range(3))


def report(label: str, keys: list[str], bodies: dict[str, str], truth: dict[str, str], seconds: float | None,
           show_pages: bool) -> None:
    scores = [score_page(truth[key], bodies.get(key, "")) for key in keys]
    if show_pages:
        for key, score in zip(keys, scores):
            print(f"  {key[:12]}  precision {score.precision or 0:.3f}  recall {score.recall or 0:.3f}")
    precision, recall, f1 = summarise(scores)
    speed = f"  {len(keys) / seconds:6.1f} pages/s" if seconds else ""
    print(f"{label:<52} {len(keys):>3} pages  precision {precision:.3f}  recall {recall:.3f}  "
          f"F1 {f1:.3f}{speed}")


def run_set(label: str, files: dict[str, bytes], truth_by_name: dict[str, str], show_pages: bool,
            split: bool, checks: Checks, reference: float | None = None) -> None:
    """Ingest the set and score it; with `reference` (trafilatura's seconds a page), the time a page
    compared."""
    posts, seconds, log = ingest_folder(files)
    bodies = {name: body_text(post) for name, post in posts.items()}
    failed = [line for line in log.splitlines() if line.startswith("failed")]
    names = sorted(files)
    report(f"{label}: ingest, end to end", names, bodies, truth_by_name, seconds, show_pages)
    if split:
        held = [n for n in names if n.split(".")[0][-1] in HELD_OUT]
        report(f"{label}:   pages used for rules", [n for n in names if n not in held], bodies, truth_by_name,
               None, False)
        report(f"{label}:   held-out pages", held, bodies, truth_by_name, None, False)
    for line in failed:
        print(f"    {line[:160]}")
    checks.add(label, posts)
    if len(files) > 1:
        first = first_page_seconds(files)
        per_page = max(0.0, seconds - first) / (len(files) - 1)
        against = f"; trafilatura alone {reference * 1000:.0f} ms, {per_page / reference:.2f} times" \
            if reference else ""
        print(f"{label}:   one core: {first:.2f} s for a run of one page, then {per_page * 1000:.0f} ms a "
              f"page{against}")


def trafilatura_alone(label: str, files: dict[str, bytes], truth_by_name: dict[str, str]) -> float:
    """trafilatura's own extraction of the pages, scored; its seconds a page."""
    started = time.perf_counter()
    bodies = {name: trafilatura.extract(data, include_comments=False) or "" for name, data in files.items()}
    seconds = time.perf_counter() - started
    report(f"{label}: trafilatura alone, defaults, in-process", sorted(files), bodies, truth_by_name, seconds,
           False)
    return seconds / len(files)


def load_set(folder: Path) -> tuple[dict[str, bytes], dict[str, bytes], dict[str, str]]:
    """A folder in extraction-dev's layout: its HTML pages, their text renderings, the true bodies by name."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    html = {f"{k}.html": gzip.decompress((folder / "html" / f"{k}.html.gz").read_bytes()) for k in truth}
    text = {f"{k}.txt": (folder / "text" / f"{k}.txt").read_bytes() for k in truth}
    truth_by_name = {f"{k}.{suffix}": truth[k]["articleBody"] for k in truth for suffix in ("html", "txt")}
    return html, text, truth_by_name


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "extraction-dev")
    parser.add_argument("--unseen", type=Path, action="append", default=[],
                        help="a folder of pages no rule was written from (bench/ingest/unseen.py makes one)")
    parser.add_argument("--pages", action="store_true", help="print each page's score")
    args = parser.parse_args()
    expected = json.loads(next((SAMPLE / "expected").glob("*.json")).read_text(encoding="utf-8"))
    raw = next((SAMPLE / "raw").glob("*.txt"))
    checks = Checks()
    run_set("sample (text)", {raw.name: raw.read_bytes()},
            {raw.name: "\n\n".join(expected["body_paragraphs"])}, False, False, checks)
    sets = [("", args.data, True)] + [(f"{folder.name} (unseen) ", folder, False) for folder in args.unseen]
    for prefix, folder, split in sets:
        html, text, truth_by_name = load_set(folder)
        reference = trafilatura_alone(f"{prefix}HTML", html, truth_by_name)
        run_set(f"{prefix}HTML", html, truth_by_name, args.pages, split, checks, reference)
        run_set(f"{prefix}text", text, truth_by_name, args.pages, split, checks)
    checks.print()


if __name__ == "__main__":
    main()
