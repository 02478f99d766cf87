"""Analysing a huge text in a child process, so the server keeps answering and can cancel it.

libcst's parser holds the GIL for seconds on a big module (6 s for 500 kB, measured with a 1 ms
ticker thread), and a 10 MB file costs the engine over a minute and several GB: in the server's
process that froze hover and code actions for as long, and the memory stayed mapped afterwards.
A text of at least ``ISOLATE_MIN_CHARS`` is therefore analysed by ``python -m mpguard.lsp.isolated``:

* the event loop keeps the GIL (hover, code actions, other documents' edits go on);
* an analysis made outdated by an edit or a close is cancelled by killing the child;
* the child's memory goes back to the system when it exits.

The child sends back findings without their fixes (a fix is a closure over the child's syntax
tree): quick fixes for such a file are offered once it is under the limit again. The protocol is
one pickle each way over stdin/stdout between two processes of the same installation.
"""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
import threading
from typing import Any, Optional

from mpguard.engine import Analysis

log = logging.getLogger("mpguard.lsp")

ISOLATE_MIN_CHARS = 250_000


class IsolatedAnalyzer:
    """Runs one child analysis at a time (called from one executor thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._child: Optional[subprocess.Popen] = None
        self._uri: Optional[str] = None
        self._text: Optional[str] = None
        self.runs = 0
        self.cancelled = 0

    def analyze(self, uri: str, text: str, path: Optional[str], config: Any) -> Optional[Analysis]:
        """The analysis of `text`, or None when it was cancelled."""
        payload = pickle.dumps((text, path, config), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            child = subprocess.Popen([sys.executable, "-m", "mpguard.lsp.isolated"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as exc:  # no process to spare: analyse here (slower to answer, still right)
            log.warning("could not start an analysis process (%s); analysing %s in the server", exc, uri)
            from mpguard.engine import analyze

            return analyze(text, path, config)
        with self._lock:
            self._child, self._uri, self._text = child, uri, text
            self.runs += 1
        try:
            out, err = child.communicate(payload)
        except (BrokenPipeError, OSError):  # killed while we were still writing the text
            out, err = b"", b""
            child.wait()
        finally:
            with self._lock:
                self._child = self._uri = self._text = None
        if child.returncode < 0:  # killed: cancelled (or by the system, e.g. out of memory)
            log.info("analysis of %s in a child process stopped (signal %d)", uri, -child.returncode)
            return None
        try:
            findings, syntax_error, rule_errors = pickle.loads(out)
        except Exception:  # noqa: BLE001 - a child that died without an answer
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            log.warning("analysis of %s in a child process failed (exit %s): %s", uri, child.returncode, detail[0])
            from mpguard.analysis import internal_error_finding

            findings, syntax_error, rule_errors = [internal_error_finding(
                f"mpguard internal error: the analysis process exited with {child.returncode}")], None, []
        return Analysis(path=path, text=text, findings=findings, syntax_error=syntax_error,
                        rule_errors=rule_errors)

    def analysing(self, uri: str) -> bool:
        """Whether a child process is analysing `uri` now (a cheap look, no lock)."""
        return self._child is not None and self._uri == uri

    def cancel_outdated(self, uri: str, current: Optional[str]) -> bool:
        """Stop the running analysis of `uri` unless it is of `current` (None: closed)."""
        with self._lock:
            if self._child is None or self._uri != uri or (current is not None and self._text is current):
                return False
            self._child.kill()
            self.cancelled += 1
            return True


def _without_fixes(finding: Any) -> Any:
    from dataclasses import replace

    return replace(finding, fixes=[])


def _child_main() -> int:
    text, path, config = pickle.loads(sys.stdin.buffer.read())
    result: dict = {}

    def run() -> None:
        from mpguard.engine import analyze

        analysis = analyze(text, path, config)
        result["answer"] = (
            [_without_fixes(f) for f in analysis.findings],
            _without_fixes(analysis.syntax_error) if analysis.syntax_error is not None else None,
            list(analysis.rule_errors),
        )

    # As in the server's analysis threads: a deep stack, so deep nesting is a finding, not a crash.
    threading.stack_size(256 * 1024 * 1024)
    worker = threading.Thread(target=run, name="mpguard-isolated-analysis")
    worker.start()
    worker.join()
    if "answer" not in result:
        return 1
    sys.stdout.buffer.write(pickle.dumps(result["answer"], protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
