"""Compatibility front door: process starts now live in :mod:`mpguard.facts.starts`."""

from __future__ import annotations

from typing import Optional

from mpguard.facts.starts import ImportTimeStart, ProcessStart
from mpguard.model import CallSite, ModuleModel

__all__ = ["ImportTimeStart", "ProcessStart", "import_time_starts", "process_start_of"]


def process_start_of(model: ModuleModel, site: CallSite) -> Optional[ProcessStart]:
    return model.facts.starts.process_start_of(site)


def import_time_starts(model: ModuleModel) -> list[ImportTimeStart]:
    return model.facts.starts.import_time_starts
