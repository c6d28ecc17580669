#!/usr/bin/env python3
"""newsdigest command line: `python build.py [build] [options]`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from newsdigest.config import load_config
from newsdigest.errors import SiteError
from newsdigest.pipeline import BuildOptions, build

COMMANDS = ("build",)


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


def main(argv: list[str]) -> int:
    args = parse_arguments(argv)
    try:
        return run_build(args)
    except SiteError as error:
        print(f"error: {error}", file=sys.stderr)
        print("Build stopped; the previous output is unchanged.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
