"""Compatibility front door: what crosses the process boundary now lives in :mod:`mpguard.facts.pickling`."""

from mpguard.facts.pickling import (  # noqa: F401
    EVERY, ROLE_TEXT, Worker, api_text, call_site_of, constructor_qualname, enclosing_scope_of,
    inherited_payload, is_partial, is_task, iter_workers, literal_elements, when_pickled,
    when_text,
)
