"""Build step: the wheel ships the rule fixtures, tests/rules/MPxxx/*.py, as mpguard/rule_fixtures.

They are a rule's only examples: `mpguard rule MPxxx`, hover and SARIF render bad -> fixed -> good
from them (mpguard.docsgen), in an installed copy as in the source tree. Everything else about the
build is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

FIXTURES = Path(__file__).resolve().parent / "tests" / "rules"


class BuildPyWithRuleFixtures(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "mpguard" / "rule_fixtures"
        for source in sorted(FIXTURES.glob("MP*/*.py")):
            copy = target / source.parent.name / source.name
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)


setup(cmdclass={"build_py": BuildPyWithRuleFixtures})
