"""Score ingest on the sample and the development set, HTML and text, with pages per second.

    python bench/ingest/run.py [--data ../shared/extraction-dev] [--pages]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from score import score_page, summarise  # noqa: E402

import trafilatura  # noqa: E402

from newsdigest.errors import SiteError  # noqa: E402
from newsdigest.extracted import Extracted  # noqa: E402
from newsdigest.htmlclean import clean_html  # noqa: E402
from newsdigest.textclean import clean_text  # noqa: E402

SAMPLE = ROOT / "tests" / "fixtures" / "sample"


def trafilatura_alone(html: bytes, name: str) -> Extracted:
    """The reference: trafilatura with its default settings, nothing of ours."""
    text = trafilatura.extract(html, include_comments=False) or ""
    return Extracted(title="", paragraphs=[text])


def body_of(extract, data, name: str) -> str:
    try:
        return "\n\n".join(extract(data, name).paragraphs)
    except SiteError:
        return ""


def run_set(label: str, pages: list[tuple[str, object, str]], extract, show_pages: bool) -> None:
    scores = []
    started = time.perf_counter()
    bodies = [(key, body_of(extract, data, key), true) for key, data, true in pages]
    elapsed = time.perf_counter() - started
    for key, body, true in bodies:
        score = score_page(true, body)
        scores.append(score)
        if show_pages:
            print(f"  {key[:12]}  precision {score.precision or 0:.3f}  recall {score.recall or 0:.3f}")
    precision, recall, f1 = summarise(scores)
    print(f"{label:<28} {len(pages):>3} pages  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}"
          f"  {len(pages) / elapsed:6.1f} pages/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "extraction-dev")
    parser.add_argument("--pages", action="store_true", help="print each page's score")
    args = parser.parse_args()
    expected = json.loads(next((SAMPLE / "expected").glob("*.json")).read_text(encoding="utf-8"))
    sample_text = next((SAMPLE / "raw").glob("*.txt")).read_text(encoding="utf-8")
    run_set("sample (text)", [("sample", sample_text, "\n\n".join(expected["body_paragraphs"]))], clean_text, False)
    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)
    html = [(k, gzip.decompress((args.data / "html" / f"{k}.html.gz").read_bytes()), truth[k]["articleBody"])
            for k in keys]
    text = [(k, (args.data / "text" / f"{k}.txt").read_text(encoding="utf-8"), truth[k]["articleBody"]) for k in keys]
    run_set("trafilatura alone (HTML)", html, trafilatura_alone, False)
    run_set("development set (HTML)", html, clean_html, args.pages)
    run_set("development set (text)", text, clean_text, args.pages)


if __name__ == "__main__":
    main()
