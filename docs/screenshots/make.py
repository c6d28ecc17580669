"""Screenshots of digests as a reader sees them, for the README and for judging the design.

    python docs/screenshots/make.py

Builds two digests into a temporary folder: the repository's sample (content/ and site.toml), and a digest
of 434 articles in three topics: a day of 134 real headlines from several publishers, whose reports of one
event are stories of up to thirty, after a week of 300 articles from the benchmark corpus
(bench/stories/headlines.py; it needs ../shared/bench-peers/). Each is opened from disk (file://, as a
reader who saved it would) in Debian's Chromium driven by Playwright, at a desktop's 1280×900 and a phone's
390×844: the front page, the newest edition, a topic and the lead article, each its first screen. The files
are written beside this script as PAGE-WIDTH.png (the sample) and digest-PAGE-WIDTH.png.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "bench" / "stories"))

import headlines  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update"]
SCREENS = {1280: (1280, 900), 390: (390, 844)}
BACKLOG = 300


def pages_of(output: Path) -> dict[str, str]:
    """The pages shown: the front page, the newest edition, the first topic and the lead article."""
    edition = sorted((output / "editions").glob("*.html"))[-1]
    topic = sorted(p for p in (output / "topics").iterdir() if p.is_dir())[0]
    front = (output / "index.html").read_text(encoding="utf-8")
    lead = front.split('class="lead"', 1)[1].split('href="', 1)[1].split('"', 1)[0]
    return {"front": "index.html", "edition": edition.relative_to(output).as_posix(),
            "topic": f"topics/{topic.name}/index.html", "article": lead}


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        digest = Path(temporary) / "digest"
        headlines.write_site(digest, text=True)
        headlines.write_backlog(digest, BACKLOG)
        outputs = {"": Path(temporary) / "sample", "digest-": digest / "output"}
        for site, output in ((ROOT, outputs[""]), (digest, outputs["digest-"])):
            subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--site", str(site), "--output",
                            str(output)], check=True, capture_output=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for width, (screen_width, screen_height) in SCREENS.items():
                page = browser.new_page(viewport={"width": screen_width, "height": screen_height})
                for prefix, output in outputs.items():
                    for name, path in pages_of(output).items():
                        page.goto((output / path).resolve().as_uri())
                        page.screenshot(path=str(HERE / f"{prefix}{name}-{width}.png"))
                        print(f"{prefix}{name}-{width}.png  {path}")
                page.close()
            browser.close()


if __name__ == "__main__":
    main()
