"""Logging: which calls log (and at what level), configure logging, or print to stdout; the
logging handlers mpguard knows about.

The domain is ``facts.logging`` (:class:`Logging`): the same questions, answered once per call
site for the analysis (a rule asks them again for every worker that reaches a function)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import libcst as cst

from mpguard.semantic.kinds import ObjectType
from mpguard.semantic.names import dotted_name, get_arg
from mpguard.semantic.records import CallSite

if TYPE_CHECKING:
    from mpguard.semantic.model import ModuleModel

LEVELS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
QUIET = {"debug", "info", "log"}  # below WARNING: not even the last-resort handler shows them
CONFIG_REFS = {"logging.basicConfig", "logging.config.dictConfig", "logging.config.fileConfig"}
FILE_HANDLERS = {
    "logging.FileHandler", "logging.handlers.RotatingFileHandler",
    "logging.handlers.TimedRotatingFileHandler", "logging.handlers.WatchedFileHandler",
}
ROTATING = {"logging.handlers.RotatingFileHandler", "logging.handlers.TimedRotatingFileHandler"}
QUEUE_LOGGING = {"logging.handlers.QueueHandler", "logging.handlers.QueueListener"}
REDIRECTS = {"contextlib.redirect_stdout", "contextlib.redirect_stderr"}


class Logging:
    def __init__(self, model: "ModuleModel") -> None:
        self.model = model
        self._callee: dict[int, Optional[str]] = {}
        self._level: dict[int, Optional[str]] = {}
        self._configures: dict[int, bool] = {}

    def callee(self, site: CallSite) -> Optional[str]:
        """The library name of the called function (None: not a library callable)."""
        key = id(site.node)
        if key not in self._callee:
            self._callee[key] = qualname_of_callee(self.model, site)
        return self._callee[key]

    def level_of(self, site: CallSite) -> Optional[str]:
        """The logging method called (`info`, `warning`, ...), None when the call does not log."""
        key = id(site.node)
        if key not in self._level:
            self._level[key] = log_level(self.model, site)
        return self._level[key]

    def configures(self, site: CallSite) -> bool:
        """Whether the call configures logging (`basicConfig`, `dictConfig`, `addHandler`)."""
        key = id(site.node)
        if key not in self._configures:
            self._configures[key] = configures_logging(self.model, site)
        return self._configures[key]

    def prints_to_stdout(self, site: CallSite) -> bool:
        return prints_to_stdout(self.model, site)


def qualname_of_callee(model: "ModuleModel", site: CallSite) -> Optional[str]:
    return model.library_name(site.node.func, site.scope, site.seq)


def log_level(model: "ModuleModel", site: CallSite) -> Optional[str]:
    func = site.node.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in LEVELS:
        return None
    v = model.resolve(func, site.scope, site.seq)
    if v.kind == "ref" and v.qualname == f"logging.{func.attr.value}":
        return func.attr.value
    if v.kind == "method" and v.receiver is not None and v.receiver.is_type(ObjectType.LOGGER):
        return func.attr.value
    return None


def configures_logging(model: "ModuleModel", site: CallSite) -> bool:
    q = qualname_of_callee(model, site)
    if q in CONFIG_REFS:
        return True
    func = site.node.func
    if isinstance(func, cst.Attribute) and func.attr.value == "addHandler":
        arg = get_arg(site.node, None, 0)
        if arg is not None and isinstance(arg.value, cst.Call):
            h = model.resolve(arg.value.func, site.scope, site.seq)
            if h.kind in ("ref", "module") and h.qualname == "logging.NullHandler":
                return False  # a library's "no output by default" handler
        v = model.resolve(func, site.scope, site.seq)
        if v.kind == "method" and v.receiver is not None and v.receiver.is_type(ObjectType.LOGGER):
            return True
        if v.kind == "ref" and (v.qualname or "").startswith("logging."):
            return True
    return False


def prints_to_stdout(model: "ModuleModel", site: CallSite) -> bool:
    func = site.node.func
    if not (isinstance(func, cst.Name) and func.value == "print"):
        return False
    if site.scope.lookup_scope("print") is not None:
        return False
    arg = get_arg(site.node, "file", None)
    if arg is None:
        return True
    return dotted_name(arg.value) == "sys.stdout"
