"""Compatibility front door: where a value (a future, an async result, a process) goes now lives in :mod:`mpguard.facts.futures`."""

from mpguard.facts.futures import (  # noqa: F401
    CONTAINER_NEUTRAL_METHODS, Event, NEUTRAL_BUILTINS, _arg_events, _call_of_arg,
    _comprehension_container, _globals_anywhere, _loop_target_events, _name_events, _parent_events,
    position_within, site_of_call, trace,
)
