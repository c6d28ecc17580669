#!/usr/bin/env python3
"""newsdigest command line: `python build.py [build] [options]`."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from newsdigest.config import load_config
from newsdigest.errors import SiteError
from newsdigest.pipeline import BuildOptions, build
from newsdigest.progress import ProgressBar

COMMANDS = ("build", "ingest", "retag", "pack", "serve")
BASE_URL_VARIABLE = "NEWSDIGEST_BASE_URL"


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py", description="Build a news digest site from content/.")
    commands = parser.add_subparsers(dest="command")
    for name, text in (("build", "build the site into output/ (the default)"),
                       ("pack", "build, then write output/<site>-YYYY-MM-DD.zip for reading offline")):
        _add_build_options(commands.add_parser(name, help=text))
    serve_parser = commands.add_parser("serve", help="build, serve on 127.0.0.1, rebuild and reload on changes")
    _add_build_options(serve_parser)
    serve_parser.add_argument("--port", type=int, default=8000, help="the port on 127.0.0.1 (default: 8000)")
    ingest_parser = commands.add_parser("ingest", help="turn raw articles (text or HTML) into content/*.md")
    ingest_parser.add_argument("sources", nargs="+", metavar="PATH",
                               help="a .txt or .html file, a folder of them, or - for standard input")
    ingest_parser.add_argument("--site", type=Path, default=Path("."),
                               help="the folder holding site.toml and content/ (default: here)")
    ingest_parser.add_argument("--date", type=_day, help="the date to give articles whose text has none (YYYY-MM-DD)")
    ingest_parser.add_argument("--force", action="store_true",
                               help="replace content files of the same story, even ones edited by hand")
    ingest_parser.add_argument("--dry-run", action="store_true", help="print what would be written; write nothing")
    retag_parser = commands.add_parser("retag", help="apply site.toml's topic and tag rules to ingested articles again")
    retag_parser.add_argument("paths", nargs="*", metavar="PATH",
                              help="content files or folders (default: every article in content/)")
    retag_parser.add_argument("--site", type=Path, default=Path("."),
                              help="the folder holding site.toml and content/ (default: here)")
    retag_parser.add_argument("--dry-run", action="store_true", help="print the changes; write nothing")
    if not argv or argv[0] not in COMMANDS + ("-h", "--help"):
        argv = ["build", *argv]
    return parser.parse_args(argv)


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", type=Path, default=Path("."),
                        help="the folder holding site.toml and content/ (default: here)")
    parser.add_argument("--output", type=Path, help="where to write the site (default: output/)")
    parser.add_argument("--base-url", help=f"the public URL of the site, overriding ${BASE_URL_VARIABLE} and site.toml")
    parser.add_argument("--drafts", action="store_true", help="include drafts and articles dated in the future")
    parser.add_argument("--strict", action="store_true", help="write nothing if any content file has an error")
    parser.add_argument("--clean", action="store_true",
                        help="empty an output folder that newsdigest did not make (CNAME and .git are kept)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _site_config(args: argparse.Namespace):
    """site.toml, with the base URL from --base-url, else $NEWSDIGEST_BASE_URL, else the file."""
    return load_config(args.site, base_url=args.base_url or os.environ.get(BASE_URL_VARIABLE))


def run_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    config = _site_config(args)
    with ProgressBar(enabled=not args.quiet) as progress:
        result = build(config, BuildOptions(drafts=args.drafts, strict=args.strict, output=args.output, clean=args.clean), progress)
    _report(result)
    output = args.output or config.path("output")
    if not result.done:
        print(f"Nothing written: {len(result.errors)} file(s) have errors (--strict); "
              f"{output} is unchanged.", file=sys.stderr)
        return 1
    if result.note:
        print(f"note: {result.note}", file=sys.stderr)
    elapsed = time.perf_counter() - started
    if result.up_to_date:
        print(f"Nothing changed since the last build: {result.unchanged} files in {output} are up to date "
              f"({elapsed:.2f} s).")
    else:
        print(f"Built {result.articles} articles into {output}: {result.written} files written, "
              f"{result.unchanged} unchanged, {result.removed} removed, in {elapsed:.2f} s.")
    if result.errors:
        print(f"{len(result.errors)} file(s) were left out because of errors; fix them and build again.",
              file=sys.stderr)
    if args.command == "pack":
        from newsdigest.pack import pack_site

        archive = pack_site(output, config.title, datetime.now(config.zone).date())
        print(f"Packed the site into {archive} ({archive.stat().st_size / 1024:.0f} KB): unzip it and open index.html.")
    return 1 if result.errors else 0


def _report(result) -> None:
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr, flush=True)
    for error in result.errors:
        print(f"error: {error}", file=sys.stderr, flush=True)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write it as YYYY-MM-DD") from None


def run_ingest(args: argparse.Namespace) -> int:
    from newsdigest.ingest import IngestOptions, ingest  # trafilatura is slow to import; only ingest needs it

    config = load_config(args.site)
    outcomes = ingest(args.sources, config, IngestOptions(date=args.date, force=args.force, dry_run=args.dry_run))
    for outcome in outcomes:
        print(outcome.line(), file=sys.stderr if outcome.failed else sys.stdout)
        if args.dry_run and outcome.text:
            print(outcome.text)
    counts = Counter(outcome.status for outcome in outcomes)
    print("Summary: " + ", ".join(f"{n} {status}" for status, n in counts.items()) + ".")
    return 1 if counts.get("failed") else 0


def run_retag(args: argparse.Namespace) -> int:
    from newsdigest.retag import retag

    results = retag(args.paths, load_config(args.site), dry_run=args.dry_run)
    for result in results:
        print(result.line(), file=sys.stderr if result.status == "failed" else sys.stdout)
    counts = Counter(result.status for result in results)
    print("Summary: " + (", ".join(f"{n} {status}" for status, n in counts.items()) or "no articles") + ".")
    return 1 if counts.get("failed") else 0


def run_serve(args: argparse.Namespace) -> int:
    from newsdigest.serve import Preview

    config = _site_config(args)
    output = (args.output or config.path("output")).resolve()
    base_path = urlsplit(config.base_url).path

    def rebuild() -> str:
        """One build; its errors as text for the page and the terminal ('' when it went well)."""
        started = time.perf_counter()
        try:
            result = build(load_config(args.site, base_url=config.base_url),
                           BuildOptions(drafts=args.drafts, strict=args.strict, output=output))
        except SiteError as error:
            print(f"error: {error}\nBuild stopped; serving the last good build.", file=sys.stderr, flush=True)
            return str(error)
        except Exception as error:  # a bug: reported in full, but the preview goes on serving the last build
            traceback.print_exc()
            print("Build stopped by an error in newsdigest (please report it); serving the last good build.",
                  file=sys.stderr, flush=True)
            return f"internal error: {error!r}"
        _report(result)
        if result.done:
            print(f"Built {result.articles} articles in {time.perf_counter() - started:.2f} s.", flush=True)
        else:
            print("Nothing written (--strict); serving the last good build.", file=sys.stderr, flush=True)
        return "\n".join(str(e) for e in result.errors)

    root = args.site.resolve()
    watched = [root / "site.toml", config.path("content"), config.path("templates"), config.path("static")]
    preview = Preview(output, base_path, rebuild, [p.resolve() for p in watched], [output])
    server = preview.start(args.port)
    print(f"Serving http://127.0.0.1:{server.server_address[1]}{base_path} (Ctrl+C stops)", flush=True)
    try:
        preview.watch()
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop.set()
        server.shutdown()
    return 0


def main(argv: list[str]) -> int:
    args = parse_arguments(argv)
    try:
        runs = {"ingest": run_ingest, "retag": run_retag, "serve": run_serve}
        return runs.get(args.command, run_build)(args)
    except SiteError as error:
        print(f"error: {error}", file=sys.stderr)
        print("Build stopped; the previous output is unchanged.", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
