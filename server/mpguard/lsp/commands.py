"""Arguments of the server's ``workspace/executeCommand`` commands, checked before use.

A command takes one object ({"uri": ..., "code": ...}) or the same values positionally. Missing
or wrongly typed arguments are the client's mistake: ``InvalidParams`` (-32602) with a sentence
naming the argument, never an internal error from deep inside the handler.
"""

from __future__ import annotations

from typing import Any

from pygls.exceptions import JsonRpcInvalidParams

# name -> ((argument, type, required), ...) in positional order; extra keys of an object
# argument are checked when listed, kept otherwise.
ARGUMENTS: dict[str, tuple[tuple[str, type, bool], ...]] = {
    "mpguard.applyFix": (("uri", str, True), ("code", str, True), ("line", int, True),
                         ("index", int, False), ("column", int, False)),
    "mpguard.fixAll": (("uri", str, True),),
    "mpguard.showRuleDocs": (("code", str, True), ("open", bool, False)),
}

_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false"}


def _fits(value: Any, kind: type) -> bool:
    if kind is int:
        if isinstance(value, float) and value.is_integer():  # JSON has one number type
            return True
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def command_arguments(command: str, args: tuple) -> dict:
    """The arguments of `command` as a dict, or JsonRpcInvalidParams."""
    spec = ARGUMENTS[command]
    names = [name for name, _, _ in spec]
    if len(args) == 1 and isinstance(args[0], dict):
        data = dict(args[0])
    elif len(args) > len(names):
        raise JsonRpcInvalidParams(f"{command} takes at most {len(names)} arguments ({', '.join(names)}), "
                                   f"got {len(args)}")
    else:
        data = dict(zip(names, args))
    for name, kind, required in spec:
        value = data.get(name)
        if value is None:
            if required:
                raise JsonRpcInvalidParams(f"{command}: argument '{name}' is missing")
            data.pop(name, None)
            continue
        if not _fits(value, kind):
            raise JsonRpcInvalidParams(f"{command}: argument '{name}' must be {_TYPE_NAMES[kind]}, "
                                       f"not {type(value).__name__}")
        if kind is int:
            data[name] = int(value)
    return data
