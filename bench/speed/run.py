"""Time newsdigest at scale, and Hugo and Pelican beside it on the same corpus.

    python bench/speed/run.py [--sizes 1000 10000 100000] [--runs 3] [--no-peers | --peers hugo pelican]
                              [--peer-sizes 1000 10000] [--work DIR] [--against CHECKOUT]

For each size N it generates the corpus with ../shared/bench-peers/make_corpus.py (deterministic: the first N
articles of a larger corpus are the same articles), then times, each as a fresh process:
  cold      no output and no cache (the last ones set aside before the time starts, see set_aside);
  no-op     a rebuild with nothing changed;
  edit one  a rebuild after one article's text changed;
  add 20 newest    a rebuild after a batch of 20 new articles, dated after the newest (a daily batch);
  add 20 anywhere  the same 20 with the generator's own dates, spread over the two years (a backlog);
  ingest one       `build.py ingest` of one real page into the site just built, first time, and as a dry run;
with the peak memory of the build's processes together (PSS, summed over the process and its forked
workers, sampled every 20 ms or, for large processes, at most a twentieth of a core: pages the workers share
with the parent count once), the processor time of the build and its workers, and the output's size: its
files' apparent size (what GitHub Pages counts against its 1 GB), and the size of the folder as a gzipped tar
(about what a Pages deploy uploads: upload-pages-artifact tars the folder, then it travels compressed). The
tools take turns a round at a time (a cold build and its rebuilds), so a slow spell falls on them alike.
It also checks that a rebuild writes only files whose bytes change. Hugo (`hugo` on PATH) and Pelican
(`pelican` on PATH, or --pelican) are timed cold and rebuilding with nothing changed, from the peers'
own configurations in ../shared/bench-peers/. --against times another checkout of newsdigest (an earlier
commit, say, made with `git worktree add`) the same way, taking turns with this one: a change's before and
after, measured in the same run.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT.parent / "shared" / "bench-peers"
SITE_TOML = Path(__file__).resolve().parent / "site.toml"


@dataclass
class Run:
    seconds: float
    peak_mb: float
    output: str = ""
    # Processor time of the command and the workers it waited for: unlike the wall time, it does not grow when
    # the machine lends a core elsewhere.
    user: float = 0.0
    system: float = 0.0


# A tool's runs at one size: each step runs one round (a cold build and the rebuilds after it) and gives the
# row so far; the finished row is what the generator returns, None for a tool that is not installed.
Rounds = Generator["Row", None, "Row | None"]


@dataclass
class Row:
    tool: str
    size: int
    times: dict[str, list[Run]] = field(default_factory=dict)
    output_mb: float = 0.0
    packed_mb: float = 0.0
    files: int = 0
    notes: list[str] = field(default_factory=list)

    def median(self, kind: str) -> float | None:
        runs = self.times.get(kind)
        return statistics.median(r.seconds for r in runs) if runs else None

    def peak(self) -> float:
        return max((r.peak_mb for runs in self.times.values() for r in runs), default=0.0)

    def processor(self, kind: str) -> float | None:
        runs = self.times.get(kind)
        return statistics.median(r.user + r.system for r in runs) if runs else None

    def runs_of(self, kind: str) -> str:
        """Each run of a kind, in the order run: wall time (user + system processor time)."""
        return ", ".join(
            f"{r.seconds:.2f} s ({r.user:.1f} + {r.system:.1f} s)" for r in self.times.get(kind, [])
        )

    def peaks_by_kind(self) -> str:
        """Which runs the peak comes from: the highest of each kind."""
        return ", ".join(f"{kind} {max(r.peak_mb for r in runs):.0f} MB" for kind, runs in self.times.items())


def timed(command: list[str], env: dict | None = None, before=None) -> Run:
    """Run a command to its end; its wall time and summed peak PSS. `before` (e.g. setting the last output
    aside) is done first, out of the time.

    Each run starts on a settled disk: what the runs before it wrote is on the disk first, out of the time.
    Without that, the no-op at 100,000 ran while the kernel still wrote back the cold build's 1.7 GB (3.2 s
    against 1.3 s alone)."""
    if before:
        before()
    os.sync()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, **(env or {})})
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        # Reading a process's PSS walks its memory map: 20 ms of processor time for an 800 MB process here.
        # Every 20 ms, the sampler took half a core from what it measured (at 100,000 articles, from a build
        # on both cores); waiting twenty times a sample's cost, it takes a twentieth at most.
        while not done.is_set():
            sampled = time.perf_counter()
            peak[0] = max(peak[0], _tree_rss_kb(process.pid))
            done.wait(max(0.02, 20 * (time.perf_counter() - sampled)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Run(elapsed, peak[0] / 1024, output.strip(), used.ru_utime - children.ru_utime,
               used.ru_stime - children.ru_stime)


def _tree_rss_kb(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                total += next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo += [int(child) for child in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


# Where cold runs set the last output and cache aside; emptied when the benchmark ends.
SET_ASIDE = "set-aside"


def set_aside(work: Path, *paths: Path) -> None:
    """Move these folders out of the way for a cold build, by a rename into the work folder's SET_ASIDE,
    deleted when the benchmark ends (see main).

    Until the twelfth session a cold build's time began with deleting the last output, in this process,
    where the processor time is not counted: Hugo's cold build at 10,000 took 70.5 s with 24 s of processor
    time, and 13.8 s the next round. And on this machine's file system (ext4 without a journal) the new
    files of the build right after paid for each inode just freed (see bench/README.md). Neither is the work
    of the build timed, and neither arises where cold builds happen: in a fresh clone."""
    folder = work / SET_ASIDE
    folder.mkdir(exist_ok=True)
    for path in paths:
        if path.exists():
            path.rename(tempfile.mkdtemp(prefix=f"{path.name}-", dir=folder))


def make_corpus(size: int, fmt: str, out: Path) -> None:
    generator = PEERS / "make_corpus.py"
    if not generator.exists():
        raise SystemExit(
            f"the corpus generator {generator} is missing: this benchmark needs ../shared/bench-peers/"
        )
    subprocess.run([sys.executable, str(generator), "--n", str(size), "--format", fmt, "--out", str(out)],
                   check=True, capture_output=True)


def folder_size(folder: Path) -> tuple[float, float, int]:
    """The folder's files' apparent size and its size as a gzipped tar, in MB, and how many files it holds."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1024 / 1024, packed_size(folder) / 1024 / 1024, len(files)


class _Counter:
    """A file that keeps only how many bytes were written to it."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


def packed_size(folder: Path) -> int:
    counter = _Counter()
    with tarfile.open(fileobj=counter, mode="w:gz", compresslevel=6) as packed:
        packed.add(folder, arcname=".")
    return counter.size


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in folder.rglob("*") if p.is_file()}


def rewritten_without_change(before: dict, folder: Path) -> int:
    """Files whose modification time moved though their bytes did not: the rule is that there are none."""
    after = snapshot(folder)
    return sum(1 for path, (mtime, data) in after.items()
               if path in before and before[path][1] == data and before[path][0] != mtime)


def bench_newsdigest(size: int, work: Path, runs: int, root: Path = ROOT, tool: str = "newsdigest") -> Rounds:
    """newsdigest's runs (of the checkout at `root`), a round at a time (see in_turn)."""
    site = work / (f"newsdigest-{size}" if root == ROOT else f"{root.name}-{size}")
    if not (site / "content").exists():
        make_corpus(size, "neutral", site)
    shutil.copy(SITE_TOML, site / "site.toml")
    extra = work / f"extra-{size}"
    if not extra.exists():
        make_corpus(size + 20, "neutral", extra)
    new_files = sorted(set(os.listdir(extra / "content")) - set(os.listdir(site / "content")))
    build = [sys.executable, str(root / "build.py"), "--site", str(site), "--quiet"]
    row = Row(tool, size)

    edited = sorted((site / "content").iterdir())[size // 2]
    original = edited.read_text(encoding="utf-8")
    last_build_aside = partial(set_aside, work, site / "output", site / ".newsdigest-cache")
    for _ in range(runs):
        row.times.setdefault("cold", []).append(timed(build, before=last_build_aside))
        row.times.setdefault("no-op", []).append(timed(build))
        before = snapshot(site / "output")
        edited.write_text(original + "\nA late paragraph, added to time an edit.\n", encoding="utf-8")
        row.times.setdefault("edit one", []).append(timed(build))
        moved = rewritten_without_change(before, site / "output")
        for name in new_files:
            text = (extra / "content" / name).read_text(encoding="utf-8")
            (site / "content" / name).write_text(
                _dated_after_the_newest(text, new_files.index(name)), encoding="utf-8"
            )
        before = snapshot(site / "output")
        row.times.setdefault("add 20 newest", []).append(timed(build))
        moved += rewritten_without_change(before, site / "output")
        for name in new_files:
            (site / "content" / name).unlink()
        timed(build)
        for name in new_files:
            shutil.copy(extra / "content" / name, site / "content" / name)
        before = snapshot(site / "output")
        row.times.setdefault("add 20 anywhere", []).append(timed(build))
        moved += rewritten_without_change(before, site / "output")
        row.notes.append(f"files rewritten with unchanged bytes: {moved}")
        edited.write_text(original, encoding="utf-8")
        for name in new_files:
            (site / "content" / name).unlink()
        yield row
    timed(build)
    row.output_mb, row.packed_mb, row.files = folder_size(site / "output")
    row.notes.append(f"peak memory by run: {row.peaks_by_kind()}")
    row.notes += ingest_one_page(site, root)
    return row


def ingest_one_page(site: Path, root: Path) -> list[str]:
    """`build.py ingest` of one real page into the site as the last build left it (a site never ingested
    into: the build keeps ingest's library index), then of another as a dry run; the page written is removed
    again."""
    pages = sorted((ROOT / "tests" / "fixtures" / "ingest" / "real").glob("*.html.gz"))[:2]
    notes = []
    for label, page, options in zip(("first", "as a dry run"), pages, ([], ["--dry-run"])):
        raw = site.parent / f"{page.name[:-3]}"
        raw.write_bytes(gzip.decompress(page.read_bytes()))
        before = set(os.listdir(site / "content"))
        command = [sys.executable, str(root / "build.py"), "ingest", *options, "--site", str(site), str(raw)]
        run = timed(command)
        for name in set(os.listdir(site / "content")) - before:
            (site / "content" / name).unlink()
        notes.append(f"ingest of one page {label}: {run.seconds:.2f} s, {run.peak_mb:.0f} MB")
    return notes


def _dated_after_the_newest(text: str, index: int) -> str:
    """The generator's dates end by 2025-01-01; a new batch comes after them, a minute apart."""
    return re.sub(r"^date: .*$", f"date: 2025-01-02T08:{index:02d}:00Z", text, count=1, flags=re.MULTILINE)


def bench_hugo(size: int, work: Path, runs: int) -> Rounds:
    hugo = shutil.which("hugo")
    if not hugo:
        return None
    site = work / f"hugo-{size}"
    if not (site / "content").exists():
        make_corpus(size, "hugo", site)
        shutil.copy(PEERS / "hugo" / "hugo.yaml", site / "hugo.yaml")
        shutil.copytree(PEERS / "hugo" / "layouts", site / "layouts", dirs_exist_ok=True)
    out = work / f"hugo-{size}-out"
    command = [hugo, "--source", str(site), "--destination", str(out), "--quiet"]
    row = Row("Hugo", size)
    for _ in range(runs):
        row.times.setdefault("cold", []).append(timed(command, before=partial(set_aside, work, out)))
        row.times.setdefault("no-op", []).append(timed(command))
        yield row
    row.output_mb, row.packed_mb, row.files = folder_size(out)
    return row


def bench_pelican(size: int, work: Path, runs: int, pelican: str | None) -> Rounds:
    pelican = pelican or shutil.which("pelican")
    if not pelican or not Path(pelican).exists():
        return None
    site = work / f"pelican-{size}"
    if not (site / "content").exists():
        make_corpus(size, "pelican", site)
    for conf in ("pelicanconf.py", "pelicanconf_cache.py"):
        shutil.copy(PEERS / "pelican" / conf, site / conf)
    out, cache = work / f"pelican-{size}-out", work / f"pelican-{size}-cache"
    row = Row("Pelican", size)
    cold = [pelican, str(site / "content"), "-s", str(site / "pelicanconf.py"), "-o", str(out), "-q"]
    cached = [pelican, str(site / "content"), "-s", str(site / "pelicanconf_cache.py"), "-o", str(out), "-q"]
    for _ in range(runs):
        row.times.setdefault("cold", []).append(timed(cold, before=partial(set_aside, work, out)))
        shutil.rmtree(cache, ignore_errors=True)
        timed(cached, env={"PELICAN_CACHE_PATH": str(cache)})
        row.times.setdefault("no-op", []).append(timed(cached, env={"PELICAN_CACHE_PATH": str(cache)}))
        yield row
    row.output_mb, row.packed_mb, row.files = folder_size(out)
    return row


def in_turn(benches: list[Rounds]) -> list[Row]:
    """The tools' runs a round at a time, one round of each tool before the next round of any, so that a slow
    spell of the machine falls on every tool alike rather than on whichever ran through it (cold builds here
    move by a third from one quarter hour to the next); each row reported as its tool finishes, all of them
    returned in the order given (a tool not installed gives none)."""
    rows: dict[int, Row] = {}
    pending = dict(enumerate(benches))
    while pending:
        for index, bench in list(pending.items()):
            try:
                row = next(bench)
                print(
                    f"{row.tool} {row.size:,}: cold so far {row.runs_of('cold')}", file=sys.stderr, flush=True
                )
            except StopIteration as finished:
                del pending[index]
                if finished.value:
                    finished.value.notes.append(
                        f"cold builds in the order run: {finished.value.runs_of('cold')}"
                    )
                    rows[index] = report_done(finished.value)
    return [rows[index] for index in sorted(rows)]


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def table_line(row: Row) -> str:
    return (
        f"| {row.tool} | {row.size:,} | {seconds(row.median('cold'))} | {seconds(row.processor('cold'))} | "
        f"{seconds(row.median('no-op'))} | "
        f"{seconds(row.median('edit one'))} | {seconds(row.median('add 20 newest'))} | "
        f"{seconds(row.median('add 20 anywhere'))} | {row.peak():.0f} MB | "
        f"{row.output_mb:.0f} MB ({row.packed_mb:.0f} MB as tar.gz), {row.files:,} files |"
    )


def report_done(row: Row) -> Row:
    """A row and its notes as soon as it is measured: a long run stopped part way keeps what it measured."""
    print(f"{row.tool} {row.size:,}: done {table_line(row)}", file=sys.stderr, flush=True)
    for note in row.notes:
        print(f"{row.tool} {row.size:,}: {note}", file=sys.stderr, flush=True)
    return row


def print_table(rows: list[Row]) -> None:
    print(
        "\n| tool | articles | cold | cold, processor | no-op | edit one | add 20 newest | add 20 anywhere | "
        "peak memory | output |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(table_line(row))
    for size in sorted({row.size for row in rows}):
        ours = next(r for r in rows if r.size == size and r.tool == "newsdigest")
        for peer in (r for r in rows if r.size == size and r.tool != "newsdigest"):
            ratio = peer.median("cold") / ours.median("cold")
            times = f"{seconds(ours.median('cold'))} against {seconds(peer.median('cold'))}"
            processor = f"{seconds(ours.processor('cold'))} against {seconds(peer.processor('cold'))}"
            print(f"\nAt {size:,}: cold build {ratio:.2f}x faster than {peer.tool} ({times}, measured side "
                  f"by side; processor time {processor})")
        for note in sorted(set(ours.notes)):
            print(f"At {size:,}: {note}")


def compile_package(root: Path) -> None:
    """newsdigest's modules compiled beforehand, as installing a package does and as a user's Python does on
    the first run: a machine that sets PYTHONDONTWRITEBYTECODE would compile every module on every run."""
    compileall.compile_dir(root / "newsdigest", quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--runs", type=int, default=3, help="runs of each measurement; the table gives medians"
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsdigest-bench"))
    parser.add_argument("--no-peers", action="store_true", help="time newsdigest only")
    parser.add_argument("--peer-sizes", type=int, nargs="*", default=[1000, 10000],
                        help="the sizes at which the peers are timed too")
    parser.add_argument("--peers", nargs="*", choices=["hugo", "pelican"], default=["hugo", "pelican"],
                        help="the peers to time (Pelican's cold build at 100,000 takes over 17 minutes here)")
    parser.add_argument("--pelican", help="the pelican command (default: from PATH)")
    parser.add_argument("--against", type=Path,
                        help="another checkout of newsdigest, timed in turns with this one")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    # What a run stopped part way set aside; deleted here, before the first (small) size's runs.
    shutil.rmtree(args.work / SET_ASIDE, ignore_errors=True)
    against = args.against.resolve() if args.against else None
    for root in (ROOT, against) if against else (ROOT,):
        compile_package(root)
    rows = []
    for size in args.sizes:
        runs = args.runs if size <= 10000 else 1
        benches = [bench_newsdigest(size, args.work, runs)]
        if against:
            benches.append(bench_newsdigest(size, args.work, runs, against, f"newsdigest at {against.name}"))
        if not args.no_peers and size in args.peer_sizes:
            peers = {"hugo": partial(bench_hugo, size, args.work, runs),
                     "pelican": partial(bench_pelican, size, args.work, runs, args.pelican)}
            benches += [peers[name]() for name in args.peers]
        rows += in_turn(benches)
    print(f"\nMachine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; medians of {args.runs} runs "
          f"(1 at sizes over 10,000).")
    print_table(rows)
    shutil.rmtree(args.work / SET_ASIDE, ignore_errors=True)


if __name__ == "__main__":
    main()
