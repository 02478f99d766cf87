"""Compatibility front door: which code runs where now lives in :mod:`mpguard.facts.frames`."""

from mpguard.facts.frames import (  # noqa: F401
    Frames, WorkerRun, _unwrap, bool_keyword, call_chains, callers_of, chain_key,
    dispatch_worker_function, method_name, module_scope_of, names_within, process_workers,
    receiver_text, refers_to_module_name, rooted, same_frame,
)
