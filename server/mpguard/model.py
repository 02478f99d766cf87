"""Compatibility front door: the module model now lives in :mod:`mpguard.semantic` (scopes,
bindings, resolver, walkers) and the shared facts in :mod:`mpguard.facts`.

New code imports from those packages; this module keeps the names callers used before the split.
"""

from __future__ import annotations

from mpguard.facts.calls import Dispatch
from mpguard.semantic.library import (
    ASYNC_POOL_METHODS, CONSTRUCTORS, CONTEXT_METHODS, DATA_SAME_KIND_METHODS, EXECUTOR_METHODS,
    MANAGER_METHODS, MODULE_ALIASES, MP_QUEUES, MP_SYNC, NUMPY_FACTORIES, POOL_METHODS,
    PROCESS_POOL_TYPES, THREAD_POOL_TYPES, UNPICKLABLE_TYPES, canonical,
)
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import (
    dotted_name, get_arg, has_keyword, int_value, is_main_guard_test, string_value,
)
from mpguard.semantic.records import (
    UNKNOWN, Binding, CallSite, ClassInfo, FunctionInfo, Scope, Use, Value, scope_within,
)
from mpguard.semantic.walk import node_contains

__all__ = [
    "ASYNC_POOL_METHODS", "CONSTRUCTORS", "CONTEXT_METHODS", "DATA_SAME_KIND_METHODS", "EXECUTOR_METHODS",
    "MANAGER_METHODS", "MODULE_ALIASES", "MP_QUEUES", "MP_SYNC", "NUMPY_FACTORIES", "POOL_METHODS",
    "PROCESS_POOL_TYPES", "THREAD_POOL_TYPES", "UNKNOWN", "UNPICKLABLE_TYPES", "Binding", "CallSite",
    "ClassInfo", "Dispatch", "FunctionInfo", "ModuleModel", "Scope", "Use", "Value", "canonical",
    "dotted_name", "get_arg", "has_keyword", "int_value", "is_main_guard_test", "node_contains",
    "scope_within", "string_value",
]
