#!/usr/bin/env python3
"""newsdigest command line: `python build.py [build] [options]`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from datetime import date

from newsdigest.config import load_config
from newsdigest.errors import SiteError
from newsdigest.ingest import IngestOptions, ingest
from newsdigest.pipeline import BuildOptions, build

COMMANDS = ("build", "ingest")


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py", description="Build a news digest site from content/.")
    commands = parser.add_subparsers(dest="command")
    build_parser = commands.add_parser("build", help="build the site into output/ (the default)")
    build_parser.add_argument("--site", type=Path, default=Path("."),
                              help="the folder holding site.toml and content/ (default: here)")
    build_parser.add_argument("--output", type=Path, help="where to write the site (default: output/)")
    build_parser.add_argument("--base-url", help="the public URL of the site, overriding site.toml")
    build_parser.add_argument("--drafts", action="store_true",
                              help="include drafts and articles dated in the future")
    build_parser.add_argument("--strict", action="store_true",
                              help="write nothing if any content file has an error")
    ingest_parser = commands.add_parser("ingest", help="turn raw articles (text or HTML) into content/*.md")
    ingest_parser.add_argument("sources", nargs="+", metavar="PATH",
                               help="a .txt or .html file, a folder of them, or - for standard input")
    ingest_parser.add_argument("--site", type=Path, default=Path("."),
                               help="the folder holding site.toml and content/ (default: here)")
    ingest_parser.add_argument("--date", type=_day, help="the date to give articles whose text has none (YYYY-MM-DD)")
    ingest_parser.add_argument("--force", action="store_true",
                               help="replace content files of the same story, even ones edited by hand")
    ingest_parser.add_argument("--dry-run", action="store_true", help="print what would be written; write nothing")
    if not argv or argv[0] not in COMMANDS + ("-h", "--help"):
        argv = ["build", *argv]
    return parser.parse_args(argv)


def run_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    config = load_config(args.site, base_url=args.base_url)
    result = build(config, BuildOptions(drafts=args.drafts, strict=args.strict, output=args.output))
    for error in result.errors:
        print(f"error: {error}", file=sys.stderr)
    output = args.output or config.path("output")
    if not result.written:
        print(f"Nothing written: {len(result.errors)} file(s) have errors (--strict); "
              f"{output} is unchanged.", file=sys.stderr)
        return 1
    print(f"Built {result.articles} articles, {result.files} files into {output} "
          f"in {time.perf_counter() - started:.2f} s.")
    if result.errors:
        print(f"{len(result.errors)} file(s) were left out because of errors; fix them and build again.",
              file=sys.stderr)
        return 1
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write it as YYYY-MM-DD") from None


def run_ingest(args: argparse.Namespace) -> int:
    config = load_config(args.site)
    outcomes = ingest(args.sources, config, IngestOptions(date=args.date, force=args.force, dry_run=args.dry_run))
    for outcome in outcomes:
        print(outcome.line(), file=sys.stderr if outcome.failed else sys.stdout)
        if args.dry_run and outcome.text:
            print(outcome.text)
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    print("Summary: " + ", ".join(f"{n} {status}" for status, n in counts.items()) + ".")
    return 1 if counts.get("failed") else 0


def main(argv: list[str]) -> int:
    args = parse_arguments(argv)
    try:
        return run_ingest(args) if args.command == "ingest" else run_build(args)
    except SiteError as error:
        print(f"error: {error}", file=sys.stderr)
        print("Build stopped; the previous output is unchanged.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
