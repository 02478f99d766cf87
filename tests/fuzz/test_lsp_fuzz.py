"""A short run of the seeded LSP fuzzer (tests/fuzz/lsp_fuzz.py; docs/fuzzing.md has the long one)."""

from __future__ import annotations

import pytest

from lsp_fuzz import fuzz

# The long run's target is 100 ms; this bound only has to catch a stall (a request waiting for an
# analysis took up to 132 s) on a machine shared with other test runs.
STALL_MS = 400


@pytest.mark.timeout(240)
@pytest.mark.parametrize("seed, encoding", [(20261203, "utf-16"), (7, "utf-8")])
async def test_short_fuzz_run_finds_no_violation(seed, encoding, tmp_path):
    report = await fuzz(seed, seconds=15, rounds=3, encoding=encoding, huge_chars=120_000, workdir=tmp_path)
    summary = report.summary()
    assert report.violations == [], summary
    assert report.tracebacks == 0
    assert report.encoding == encoding
    assert summary["edits"] > 150 and summary["requests"] > 30 and summary["text_checks"] > 60, summary
    for name in ("hover", "codeAction"):
        assert summary["latency"][name]["p95_ms"] <= STALL_MS, summary["latency"]
    assert len(report.rss_kib) == 3
