"""The analysis pipeline behind :func:`mpguard.engine.analyze`."""

from __future__ import annotations

import ast
import gc
import logging
import os
import re
import sys
import threading
from contextlib import contextmanager
from typing import Iterator, Optional

import libcst as cst

from mpguard.config import Config
from mpguard.engine import Analysis, mentions_process_api, syntax_error_finding
from mpguard.findings import Finding, Range, Severity
from mpguard.incremental import Layout, layout_of, reparse
from mpguard.rules import Applies, RuleContext, all_rules
from mpguard.semantic.model import ModuleModel
from mpguard.suppression import apply_suppressions, parse_suppressions, unused_suppression_problems

log = logging.getLogger("mpguard")

EVERYWHERE = Applies.everywhere()

# libcst's parser and our traversal recurse per nesting level; deeply nested generated code must
# produce a clear diagnostic, not a RecursionError traceback.
_RECURSION_LIMIT = 8000


_NOT_BRACKET = re.compile(r"[^()\[\]{}]+")
# CPython refuses more than 200 nested brackets; libcst's native parser overflows its stack on
# a few thousand, killing the process. Deeply bracketed text is therefore checked with CPython's
# own parser first, which reports a clean SyntaxError.
_SAFE_DEPTH = 150


def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for ch in _NOT_BRACKET.sub("", text):
        if ch in "([{":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif depth:
            depth -= 1
    return deepest


# The cyclic GC is paused while one analysis builds its tree: libcst allocates hundreds of
# thousands of (acyclic) nodes, and each allocation burst triggers collections that re-traverse
# the whole young heap, and a full collection over everything alive (the previous tree in the
# server) every so often: 20-35 % of a 6,000-line analysis. Nested/concurrent analyses (the
# server's threads) share one counter; the GC's state is restored when the last one ends.
#
# Off by default: in a long-lived process (the language server) where analyses run back to back,
# the GC would then be off most of the time, and the previous models (whose records reference
# each other, so only the cyclic GC frees them and their trees) pile up until a rare full
# collection: +58 % RSS over 10,000 edits to a 6k-line file. The CLI turns it on for its
# short-lived workers.
PAUSE_GC = False
_gc_lock = threading.Lock()
_gc_depth = 0
_gc_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    global _gc_depth, _gc_was_enabled
    with _gc_lock:
        if _gc_depth == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_was_enabled:
                gc.enable()


# Re-parse only the edited top-level statements when a previous model is at hand. The benchmark
# switches it off (MPGUARD_INCREMENTAL=0) to measure what a full re-parse costs in the server.
INCREMENTAL = os.environ.get("MPGUARD_INCREMENTAL", "1") != "0"


def parse(text: str, previous: Optional[ModuleModel] = None
          ) -> tuple[Optional[cst.Module], Optional[Finding], Optional[Layout]]:
    """The module for `text` (re-parsing only the edited top-level statements when `previous`,
    the model of an earlier version, allows), or the syntax error."""
    from mpguard.parse_guard import too_deeply_nested

    if (too_deep := too_deeply_nested(text)) is not None:  # libcst would overflow the C stack
        return None, too_deep, None
    if text.count("(") + text.count("[") + text.count("{") > _SAFE_DEPTH and _bracket_depth(text) > _SAFE_DEPTH:
        try:
            ast.parse(text)
        except SyntaxError as exc:
            return None, syntax_error_finding(exc.msg, exc.lineno or 1, (exc.offset or 1) - 1), None
        except (RecursionError, MemoryError, ValueError):
            return None, syntax_error_finding("the file is too deeply nested to analyse", 1, 0), None
    if previous is not None and INCREMENTAL:
        try:
            prepare_incremental(previous)
            spliced = reparse(previous.text, previous.module, previous.layout, text)
        except Exception:  # noqa: BLE001 - a bug here must cost a full parse, never the analysis
            log.exception("incremental re-parse failed; parsing the whole text")
            spliced = None
        if spliced is not None:
            return spliced[0], None, spliced[1]
    try:
        return cst.parse_module(text), None, None
    except cst.ParserSyntaxError as exc:
        return None, _syntax_error(text, exc), None
    except (RecursionError, MemoryError):
        return None, syntax_error_finding("the file is too deeply nested to analyse", 1, 0), None
    except Exception as exc:  # noqa: BLE001 - libcst raises a few other types on odd input
        return None, syntax_error_finding(f"{type(exc).__name__}: {exc}", 1, 0), None


# libcst's parser message starts with the position it stopped at ("parser error: error at 3:7:
# expected INDENT"); its `raw_line`/`raw_column` are often the start of that line, or the line before.
_LIBCST_POSITION = re.compile(r"^(?:parser error: )?error at (\d+):(\d+): ")


def _syntax_error(text: str, exc: cst.ParserSyntaxError) -> Finding:
    """The finding for a text libcst does not parse. CPython's parser names the cause and its
    place ("'(' was never closed" at that bracket, "expected an indented block after function
    definition on line 2"), so its error is reported when it rejects the text too; when it
    accepts it, the construct is one libcst does not support, and libcst's position is used."""
    try:
        compile(text, "<mpguard>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as err:
        line, offset = err.lineno or 1, (err.offset or 1) - 1
        end = (err.end_offset - 1) if err.end_lineno == err.lineno and err.end_offset else None
        last = text.count("\n") + 1
        if line > last:  # "unexpected EOF": the end of the text
            line, offset, end = last, len(text) - (text.rfind("\n") + 1), None
        return syntax_error_finding(err.msg, line, offset, end)
    except (RecursionError, MemoryError, ValueError):
        pass  # (CPython's own limits: libcst's answer stands)
    message = exc.message.split("\n", 1)[0]
    m = _LIBCST_POSITION.match(message)
    if m is None:
        return syntax_error_finding(message, exc.raw_line, exc.raw_column)
    line, column = int(m.group(1)), int(m.group(2))
    return syntax_error_finding(f"libcst cannot parse this: {message[m.end():]}", line, column)


def prepare_incremental(model: ModuleModel) -> None:
    """Compute what re-parsing the next version incrementally needs (the statement layout: a
    codegen of the module, ~30 % of a parse). The server calls it while idle after publishing;
    otherwise the next incremental parse does it first."""
    if model.layout is None:
        model.layout = layout_of(model.module)


def build_model(text: str, path: Optional[str], config: Config, previous: Optional[ModuleModel] = None
                ) -> tuple[Optional[ModuleModel], Optional[Finding]]:
    module, error, layout = parse(text, previous)
    if module is None:
        return None, error
    old_limit = sys.getrecursionlimit()
    try:
        if old_limit < _RECURSION_LIMIT:
            sys.setrecursionlimit(_RECURSION_LIMIT)
        return ModuleModel(module, text, path, config.default_start_method, layout, config=config), None
    except RecursionError:
        return None, syntax_error_finding("the file is too deeply nested to analyse", 1, 0)
    finally:
        sys.setrecursionlimit(old_limit)


def run_analysis(text: str, path: Optional[str], config: Config, previous: Optional[Analysis] = None) -> Analysis:
    if not PAUSE_GC or "\x00" in text or not mentions_process_api(text, config):
        return _run_analysis(text, path, config, previous)  # no tree: nothing for the GC to save
    with gc_paused():
        return _run_analysis(text, path, config, previous)


def _run_analysis(text: str, path: Optional[str], config: Config, previous: Optional[Analysis]) -> Analysis:
    result = Analysis(path=path, text=text)
    if "\x00" in text:
        result.syntax_error = syntax_error_finding("source contains a NUL byte", 1, 0)
        result.findings = [result.syntax_error]
        return result
    if not mentions_process_api(text, config):
        result.skipped = True
        return result
    previous_model = previous.model if previous is not None else None
    model, error = build_model(text, path, config, previous_model if isinstance(previous_model, ModuleModel) else None)
    if model is None:
        assert error is not None
        result.syntax_error = error
        result.findings = [error]
        return result
    result.model = model
    if model.layout is not None:
        result.reparsed_statements = model.layout.reparsed
    enabled = config.enabled_codes(path)
    findings: list[Finding] = []
    facts = model.facts
    for code, rule in all_rules().items():
        if code not in enabled:
            continue
        # A rule declares where it applies (start methods, notebooks): not run where it cannot fire.
        if rule.applies != EVERYWHERE and rule.applies.excludes(facts.starts.methods_in_use, model.is_notebook):
            continue
        ctx = RuleContext(model, config, rule, facts)
        try:
            rule.check(ctx)
        except Exception as exc:  # noqa: BLE001 - one broken rule must not take the others down
            log.exception("rule %s failed on %s", code, path or "<buffer>")
            result.rule_errors.append(f"{code}: {type(exc).__name__}: {exc}")
            continue
        findings.extend(ctx.findings)
    suppressions = parse_suppressions(text)
    kept, _ = apply_suppressions(findings, suppressions)
    if "MP900" in enabled and suppressions:
        from mpguard.catalogue import CATALOGUE

        name, default = CATALOGUE["MP900"]
        for rng, message in unused_suppression_problems(suppressions, enabled & frozenset(all_rules())):
            kept.append(
                Finding("MP900", name, config.severity_of("MP900", default), message, rng)
            )
    kept.sort(key=lambda f: f.sort_key)
    result.findings = kept
    return result


def internal_error_finding(message: str) -> Finding:
    return Finding("MP000", "internal-error", Severity.ERROR, message, Range.of(1, 0, 1, 1))
