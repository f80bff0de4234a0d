"""Measurements in fresh processes: each one pays its own imports and dictionary loads, and its peak
memory is its own (a forked child would carry over the parent's)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def in_child(module: str, what: str, folder: Path, *more: str) -> dict:
    """Run ``python -m <module> <what> <folder> [more…]``; its last stdout line is the measurement (JSON)."""
    out = subprocess.run(
        [sys.executable, "-m", module, what, str(folder), *more], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def peak_mb() -> float:
    """This process's peak resident memory. (ru_maxrss would carry over the parent's peak from fork.)"""
    return _status_mb("VmHWM")


def rss_mb() -> float:
    """This process's resident memory now."""
    return _status_mb("VmRSS")


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def summarise(results: dict[str, list[dict]]) -> tuple[dict[str, float], dict[str, float]]:
    """Per measurement: the median seconds over its runs, and the highest peak memory."""
    median = {what: statistics.median(r["seconds"] for r in runs) for what, runs in results.items()}
    peak = {what: max(r["peak_mb"] for r in runs) for what, runs in results.items()}
    return median, peak
