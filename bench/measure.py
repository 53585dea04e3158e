#!/usr/bin/env python3
"""Runs kubeward on corpora and one small file and prints throughput (used by bench/run.sh).

Wall time is measured around each process; peak RSS comes from wait4's rusage. Each corpus is
linted --runs times (median reported); the small file --small-runs times (median and min).
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time


GNU_TIME = "/usr/bin/time"


def run(cmd):
    """(wall seconds, peak RSS MiB, stdout) of one process. Peak RSS comes from GNU time when
    installed: a child's rusage would include this Python process's memory (it is spawned from
    it), which after reading a large JSON report is bigger than a one-file run."""
    with tempfile.NamedTemporaryFile() as out, tempfile.NamedTemporaryFile() as rss:
        timed = [GNU_TIME, "-f", "%M", "-o", rss.name] + cmd if os.path.exists(GNU_TIME) else cmd
        actions = [
            (os.POSIX_SPAWN_OPEN, 1, out.name, os.O_WRONLY | os.O_TRUNC, 0o644),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
        ]
        start = time.perf_counter()
        pid = os.posix_spawn(timed[0], timed, os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            sys.exit(f"{' '.join(cmd)} failed with status {status}")
        peak_kb = usage.ru_maxrss
        if timed is not cmd:
            text = open(rss.name).read().split()
            peak_kb = int(text[-1]) if text and text[-1].isdigit() else peak_kb
        return wall, peak_kb / 1024, open(out.name, "rb").read()


def corpus_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            if f.endswith((".yaml", ".yml", ".json")):
                total += os.path.getsize(os.path.join(root, f))
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--small", required=True)
    ap.add_argument("--small-runs", type=int, default=30)
    ap.add_argument("corpora", nargs="*")
    a = ap.parse_args()
    base = [a.bin, "--format", "json", "--fail-on", "never"]
    print(f"{'corpus':38} {'wall(med)':>9} {'min':>6} {'RSS MiB':>8} {'files/s':>8} "
          f"{'res/s':>7} {'MB/s':>6} {'files':>6} {'res':>6} {'findings':>8}")
    for corpus in a.corpora:
        if not os.path.isdir(corpus):
            print(f"{corpus:38} (absent, skipped)")
            continue
        size = corpus_bytes(corpus)
        walls, rss, summary = [], [], None
        for _ in range(a.runs):
            wall, peak, out = run(base + [corpus])
            walls.append(wall)
            rss.append(peak)
            summary = json.loads(out)["summary"]
        med = statistics.median(walls)
        n = summary["error"] + summary["warning"] + summary["info"]
        name = corpus if len(corpus) <= 38 else "..." + corpus[-35:]
        if corpus.startswith(tempfile.gettempdir()):
            name = "synthetic"
        print(f"{name:38} {med:8.2f}s {min(walls):5.2f}s {max(rss):8.0f} "
              f"{summary['files'] / med:8.0f} {summary['resources'] / med:7.0f} "
              f"{size / 1e6 / med:6.1f} {summary['files']:6} {summary['resources']:6} {n:8}")
    walls, rss = [], []
    for _ in range(a.small_runs):
        wall, peak, _ = run(base + ["--no-config", a.small])
        walls.append(wall)
        rss.append(peak)
    print(f"one small file ({a.small}, {a.small_runs} runs): median {statistics.median(walls) * 1e3:.1f} ms, "
          f"min {min(walls) * 1e3:.1f} ms, peak RSS {max(rss):.0f} MiB")


if __name__ == "__main__":
    main()
