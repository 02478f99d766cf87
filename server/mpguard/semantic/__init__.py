"""The semantic model of one module: scopes, bindings, uses, call sites, the resolver, walkers.

Built once per analysis by one lean traversal (:mod:`mpguard.semantic.builder`, today the body of
:class:`mpguard.model.ModuleModel`); everything above it (:mod:`mpguard.facts`, the rules) reads it
and never writes to it.
"""

from mpguard.semantic.kinds import DispatchApi, ObjectType, StartMethod, ValueKind

__all__ = ["DispatchApi", "ObjectType", "StartMethod", "ValueKind"]
