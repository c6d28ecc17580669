"""The command line, as `python build.py` and the installed `newsdigest` command: argparse over the
package."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
import traceback
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from newsdigest import __version__
from newsdigest.config import load_config
from newsdigest.errors import SiteError, disk_full
from newsdigest.progress import ProgressBar

# Each command and what it does, for the list in `--help` and the first line of its own help.
COMMANDS = {
    "build": "build the site into output/ (the command when none is given)",
    "init": "start a new digest in a folder: site.toml, content/, the Pages workflow, locked requirements",
    "ingest": "turn raw articles (text or HTML) into content/*.md",
    "fetch": "read the [[sources]] of site.toml and ingest their new articles",
    "retag": "apply site.toml's topic and tag rules to ingested articles again",
    "pack": "build, then write <site>-YYYY-MM-DD.zip beside output/ for reading offline",
    "serve": "build, serve on 127.0.0.1, rebuild and reload on changes",
}
BASE_URL_VARIABLE = "NEWSDIGEST_BASE_URL"
# The exit status of a command stopped by Ctrl-C, as shells give a program ended by SIGINT.
INTERRUPTED = 130


class CommandParser(argparse.ArgumentParser):
    """argparse, with help that starts with what the command does, and a mistake in the arguments said in one
    line (argparse adds the usage)."""

    def format_help(self) -> str:
        description, self.description = self.description, None
        try:
            return f"{description}\n\n{super().format_help()}" if description else super().format_help()
        finally:
            self.description = description

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    build_help = argparse.ArgumentParser(add_help=False)
    _add_build_options(build_help)
    options = build_help.format_help().partition("options:\n")[2].rstrip()
    parser = CommandParser(
        prog=Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "newsdigest",
        description="Build a news digest site from content/: the command is `build` when none is given.",
        epilog=f"build, pack, serve and fetch take the build options:\n{options}\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"newsdigest {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands = {name: subparsers.add_parser(name, help=text, description=f"{text[0].upper()}{text[1:]}.")
                for name, text in COMMANDS.items()}
    for name in ("build", "pack", "serve", "fetch"):
        _add_build_options(commands[name])
    commands["init"].add_argument("folder", type=Path, metavar="DIR",
                                  help="the new digest's folder (made if missing)")
    commands["serve"].add_argument("--port", type=_port, default=8000,
                                   help="the port on 127.0.0.1, 0 for any free one (default: 8000)")
    ingest = commands["ingest"]
    ingest.add_argument("sources", nargs="+", metavar="PATH",
                        help="a .txt or .html file, a folder of them, or - for standard input")
    _add_site_option(ingest)
    ingest.add_argument("--date", type=_day,
                        help="the date to give articles whose text has none (YYYY-MM-DD)")
    ingest.add_argument("--force", action="store_true",
                        help="replace content files of the same story, even ones edited by hand")
    ingest.add_argument("--dry-run", action="store_true", help="print what would be written; write nothing")
    commands["fetch"].add_argument("--dry-run", action="store_true",
                                   help="read the sources and list the pages it would read; write nothing")
    commands["fetch"].add_argument("--build", action="store_true", help="build the site afterwards")
    retag = commands["retag"]
    retag.add_argument("paths", nargs="*", metavar="PATH",
                       help="content files or folders (default: every article in content/)")
    _add_site_option(retag)
    retag.add_argument("--dry-run", action="store_true", help="print the changes; write nothing")
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        parser.exit(2, f"error: unknown command '{argv[0]}' -- use one of: {', '.join(COMMANDS)} "
                       f"(or none, to build)\n")
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help", "--version"):
        argv = ["build", *argv]
    return parser.parse_args(argv)


def _add_site_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", type=Path, default=Path("."),
                        help="the folder holding site.toml and content/ (default: here)")


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    _add_site_option(parser)
    parser.add_argument("--output", type=Path, help="where to write the site (default: output/)")
    parser.add_argument(
        "--base-url", help=f"the public URL of the site, overriding ${BASE_URL_VARIABLE} and site.toml"
    )
    parser.add_argument(
        "--drafts", action="store_true", help="include drafts and articles dated in the future"
    )
    parser.add_argument(
        "--strict", action="store_true", help="write nothing if any content file has an error"
    )
    parser.add_argument("--clean", action="store_true",
                        help="empty an output folder that newsdigest did not make (CNAME and .git are kept)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _site_config(args: argparse.Namespace):
    """site.toml, with the base URL from --base-url, else $NEWSDIGEST_BASE_URL, else the file."""
    if args.base_url:
        return load_config(_site_folder(args), base_url=args.base_url)
    return load_config(_site_folder(args), base_url=os.environ.get(BASE_URL_VARIABLE),
                       base_url_from=f"${BASE_URL_VARIABLE}")


def _site_folder(args: argparse.Namespace) -> Path:
    """The site's folder, which must hold a site.toml: without one, this is not a digest."""
    if not (args.site / "site.toml").is_file():
        raise SiteError(args.site / "site.toml", "no such file: this folder is not a digest",
                        f"give the digest's folder with --site, or start one with `init {args.site}`")
    return args.site


def run_build(args: argparse.Namespace) -> int:
    from newsdigest.build.pipeline import BuildOptions, build

    started = time.perf_counter()
    config = _site_config(args)
    with ProgressBar(enabled=not args.quiet) as progress:
        result = build(
            config,
            BuildOptions(drafts=args.drafts, strict=args.strict, output=args.output, clean=args.clean),
            progress,
        )
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
    _warn_of_size(result.output_bytes, config.size_warning_mb, output)
    if args.command == "pack":
        from newsdigest.pack import pack_site

        archive = pack_site(output, config.title, datetime.now(config.zone).date())
        print(f"Packed the site into {archive} ({archive.stat().st_size / 1024:.0f} KB): unzip it and open "
              "index.html.")
    return 1 if result.errors else 0


def _warn_of_size(output_bytes: int, warning_mb: int, output: Path) -> None:
    """Once, after a build that leaves the output past `size_warning_mb`: before a host refuses it."""
    megabytes = output_bytes / 1024 / 1024
    if warning_mb and megabytes > warning_mb:
        print(f"warning: {output} now holds {megabytes:,.0f} MB, past size_warning_mb ({warning_mb:,} MB): "
              "GitHub Pages refuses sites over 1 GB. To stay under it, see 'A large site' in the README "
              "(settings that shrink the site, or another host).", file=sys.stderr)


def _report(result) -> None:
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr, flush=True)
    for error in result.errors:
        print(f"error: {error}", file=sys.stderr, flush=True)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port: give 1 to 65535 (or 0 for any free one)")
    return port


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write it as YYYY-MM-DD") from None


def run_ingest(args: argparse.Namespace) -> int:
    from newsdigest.ingest.command import IngestOptions, ingest  # trafilatura is slow to import: ingest only

    config = load_config(_site_folder(args))
    outcomes = ingest(
        args.sources, config, IngestOptions(date=args.date, force=args.force, dry_run=args.dry_run)
    )
    for outcome in outcomes:
        print(outcome.line(), file=sys.stderr if outcome.failed else sys.stdout)
        if args.dry_run and outcome.text:
            print(outcome.text)
    counts = Counter(outcome.status for outcome in outcomes)
    print("Summary: " + ", ".join(f"{n} {status}" for status, n in counts.items()) + ".")
    return 1 if counts.get("failed") else 0


def run_fetch(args: argparse.Namespace) -> int:
    from newsdigest.fetch import FetchOptions, fetch  # ingest's trafilatura is slow to import

    def say(line: str, failed: bool) -> None:
        print(line, file=sys.stderr if failed else sys.stdout, flush=True)

    summary = fetch(_site_config(args), FetchOptions(dry_run=args.dry_run), say)
    print(summary.line(), flush=True)
    built = run_build(args) if args.build and not args.dry_run else 0
    return 1 if summary.failed or built else 0


def run_init(args: argparse.Namespace) -> int:
    from newsdigest.init import init_digest

    written = init_digest(args.folder)
    for path in written:
        print(f"wrote {path}")
    print(f"A new digest is ready in {args.folder}: edit site.toml (title, base_url, topics), add articles "
          f"with `ingest`, then build. See the README's \"Start your own digest\".")
    return 0


def run_retag(args: argparse.Namespace) -> int:
    from newsdigest.ingest.retag import retag

    results = retag(args.paths, load_config(_site_folder(args)), dry_run=args.dry_run)
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

    def serving() -> str:
        """What the server goes on serving after a failed build, said truthfully."""
        if (output / "index.html").is_file():
            return "serving the last good build"
        return "nothing has been built yet: fix the error and save, and the site appears"

    def rebuild() -> str:
        """One build; its errors as text for the page and the terminal ('' when it went well)."""
        from newsdigest.build.pipeline import BuildOptions, build

        started = time.perf_counter()
        try:
            result = build(load_config(args.site, base_url=config.base_url),
                           BuildOptions(drafts=args.drafts, strict=args.strict, output=output))
        except SiteError as error:
            print(f"error: {error}\nBuild stopped; {serving()}.", file=sys.stderr, flush=True)
            return str(error)
        except Exception as error:  # a bug: reported in full, but the preview goes on serving the last build
            full = disk_full(error, args.site)
            if full is not None:
                print(f"error: {full}\nBuild stopped; {serving()}.", file=sys.stderr, flush=True)
                return str(full)
            traceback.print_exc()
            print(f"Build stopped by an error in newsdigest (please report it); {serving()}.",
                  file=sys.stderr, flush=True)
            return f"internal error: {error!r}"
        _report(result)
        if result.up_to_date:
            print(f"Up to date: {result.unchanged} files in {output}.", flush=True)
        elif result.done:
            print(f"Built {result.articles} articles in {time.perf_counter() - started:.2f} s.", flush=True)
        else:
            print(f"Nothing written (--strict); {serving()}.", file=sys.stderr, flush=True)
        return "\n".join(str(e) for e in result.errors)

    root = args.site.resolve()
    watched = [root / "site.toml", config.path("content"), config.path("templates"), config.path("static")]
    preview = Preview(output, base_path, rebuild, [p.resolve() for p in watched], [output])
    try:
        server = preview.start(args.port)
    except OSError as error:
        raise SiteError(f"127.0.0.1:{args.port}", f"cannot serve on port {args.port}: {error.strerror}",
                        f"another program uses it; choose another port with --port {args.port + 1}") from None
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
        runs = {"init": run_init, "ingest": run_ingest, "fetch": run_fetch, "retag": run_retag,
                "serve": run_serve}
        try:
            return runs.get(args.command, run_build)(args)
        except (OSError, sqlite3.OperationalError) as error:
            raise _disk_full_or_bug(error, getattr(args, "site", None) or args.folder) from None
    except SiteError as error:
        print(f"error: {error}", file=sys.stderr)
        if args.command in (None, "build", "pack"):
            print("Build stopped; the previous output is unchanged.", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print(f"\ninterrupted: {_what_an_interrupt_leaves(args.command)}", file=sys.stderr)
        return INTERRUPTED


def _disk_full_or_bug(error: OSError | sqlite3.OperationalError, site: Path) -> SiteError:
    """A full disk as the user's error to fix; any other failure to read or write is raised as it is."""
    full = disk_full(error, site)
    if full is None:
        raise error
    return full


def _what_an_interrupt_leaves(command: str | None) -> str:
    """What Ctrl-C leaves behind, by command: each writes whole files or none."""
    if command in ("ingest", "retag"):
        return "every file written before Ctrl-C is whole; run the command again for the rest."
    if command == "fetch":
        return ("the pages ingested before Ctrl-C are in content/, whole; the rest are read on the next run, "
                "and the site was not built.")
    if command == "init":
        return "the digest's folder may lack some of its files; delete it and run init again."
    return "the output folder holds a whole site: this build's if it had begun writing, else the last one's."


def console() -> NoReturn:
    """The `newsdigest` console command (and `python build.py`)."""
    exit_without_teardown(main(sys.argv[1:]))


def exit_without_teardown(status: int) -> NoReturn:
    """End the process with the command's status once its output is flushed, skipping the interpreter's
    teardown: it frees every object still alive one by one, a noticeable part of a daily build's time, when
    the command has written and closed all it writes."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    os._exit(status)
