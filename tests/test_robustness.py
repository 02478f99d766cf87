"""Bad input gets a clear answer: half-typed code, odd bytes, deep nesting — never an exception,
never a rule error, and fixes that never produce code that does not parse."""

from __future__ import annotations

import random
import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from mpguard.config import Config
from mpguard.engine import analyze
from mpguard.fixer import fix_text

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SOURCES = [STDLIB / "multiprocessing" / "pool.py", STDLIB / "concurrent" / "futures" / "process.py",
           STDLIB / "test" / "_test_multiprocessing.py"]
SCRIPTS = sorted((Path(__file__).parent / "eval" / "scripts").glob("*.py"))


@pytest.mark.parametrize("path", SCRIPTS + SOURCES[:2], ids=lambda p: p.name)
def test_every_prefix_cut_is_answered(path: Path):
    """Cut the file at many points, as an editor buffer looks while typing."""
    text = path.read_text()
    rng = random.Random(path.name)
    cuts = sorted({rng.randrange(len(text)) for _ in range(25)})
    for cut in cuts:
        for variant in (text[:cut], text[:cut] + "\n" + text[cut:][: rng.randrange(1, 40)] + "(\n"):
            result = analyze(variant, str(path), Config())
            assert not result.rule_errors, (cut, result.rule_errors)
            if not result.parsed:
                f = result.syntax_error
                assert f is not None and f.code == "MP000" and f.range.start.line >= 1


@pytest.mark.parametrize("text", [
    "",
    "\n\n\n",
    "import multiprocessing\n\x0c\n",
    "import multiprocessing\nx = '\ud800'\n",
    "import multiprocessing\n" + "if x:\n" * 1 + " " * 4 + "pass\n",
    "import multiprocessing\n" + "x = [" * 180 + "]" * 180 + "\n",
    "import multiprocessing\n" + "x = 1 + " * 5000 + "1\n",
    "import multiprocessing\n" + "def f():\n    " + "return 1\n" + "\tpass\n",
    "import multiprocessing as mp\r\nwith mp.Pool() as p:\r\n    p.map(lambda x: x, [1])\r\n",
    "import multiprocessing as mp\rwith mp.Pool() as p:\r    p.map(abs, [1])\r",
    "import multiprocessing as mp\nwith mp.Pool() as p:\n    p.map(lambda x: x, ['é😀'])  # 日本\n",
], ids=["empty", "blank", "formfeed", "surrogate", "indent", "deep-brackets", "long-chain", "tabs",
        "crlf", "cr", "unicode"])
def test_odd_text_is_answered_and_fixes_parse(text: str):
    result = analyze(text, "odd.py", Config())
    assert not result.rule_errors, result.rule_errors
    fixed = fix_text(text, "odd.py", Config(), unsafe=True)
    if fixed.changed:
        cst.parse_module(fixed.text)


def test_large_file_is_answered():
    text = (STDLIB / "test" / "_test_multiprocessing.py").read_text()
    result = analyze(text * 3, "big.py", Config())
    assert not result.rule_errors, result.rule_errors
