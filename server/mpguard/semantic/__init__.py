"""The semantic model of one module: scopes, bindings, uses, call sites, the resolver, walkers.

Built once per analysis by one lean traversal (:class:`mpguard.semantic.model.ModuleModel`);
everything above it (:mod:`mpguard.facts`, the rules) reads it
and never writes to it.
"""

from mpguard.semantic.kinds import DispatchApi, ObjectType, StartMethod, ValueKind

__all__ = ["DispatchApi", "ObjectType", "StartMethod", "ValueKind"]
