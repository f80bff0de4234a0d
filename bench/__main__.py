"""Run every benchmark and write bench/results/<name>.json; numbers are for reading, never asserted."""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

from bench import (
    bench_analysis,
    bench_cli_startup,
    bench_coding_browser,
    bench_coding_page,
    bench_import,
    bench_large_import,
    bench_masking,
    bench_search,
    bench_spacy,
    bench_tagger,
    bench_train,
    bench_triangulation,
)

RESULTS = Path(__file__).with_name("results")


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    for module in (
        bench_cli_startup,  # whole `qcoder` processes against a minimal Typer app (issue 18)
        bench_import,
        bench_large_import,
        bench_coding_page,
        bench_spacy,
        bench_tagger,
        bench_train,
        bench_triangulation,
        bench_masking,  # every quote masked by a 60-entry list (issue 19)
        bench_analysis,
        bench_search,  # the Retrieve page's whole-text search (issue 20)
        bench_coding_browser,  # needs Chromium (`make browser`)
    ):
        for result in module.run():
            result["machine"] = {"python": sys.version.split()[0], "platform": platform.platform()}
            (RESULTS / f"{result['name']}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
            print(f"{result['name']}: {result['summary']}")


if __name__ == "__main__":
    main()
