"""One identity per document in the server: every table is keyed by :func:`mpguard.uris.document_key`.

pygls files documents under ``unquote(uri)`` while the handlers looked them up under the URI as
sent, so a URI with any percent-escape (every Windows file: ``file:///c%3A/...``; a space, ``#``
or non-ASCII letter anywhere) got no diagnostics, code actions or hover. Here:

* :class:`KeyedDict` is a dict whose keys go through ``document_key``: looking a document up by any
  spelling of its URI (or by its key) finds it. The server's own per-document tables use it.
* :func:`adopt_workspace` switches pygls' workspace (created by pygls during ``initialize``) to
  the same keys for text documents, notebooks, cells and workspace folders.
* What is written back to the client (``publishDiagnostics``, edits, ``relatedInformation``) is the
  URI the client sent, byte for byte: each table stores the original URI next to the key (a
  ``TextDocument.uri``, a ``DocState.uri``).
* :func:`folder_key` / :func:`best_folder` match a document to its workspace folder by path, case-
  insensitively for Windows paths, whichever way each URI was spelled.
"""

from __future__ import annotations

import copy
import logging
import re
from pathlib import PureWindowsPath
from typing import Any, Callable, Iterable, Optional

from lsprotocol import types as lsp

from mpguard.uris import NATIVE, Flavour, document_key, path_to_uri, same_or_inside, uri_to_path

log = logging.getLogger("mpguard.lsp")

_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:")  # two letters or more: "C:" is a drive


def _key(value: Any) -> Any:
    return document_key(value) if isinstance(value, str) else value


class KeyedDict(dict):
    """A dict whose string keys are document keys: ``d[any spelling of a URI]`` finds the entry.

    Iterating yields the keys (canonical URIs); keep the URI the client sent in the value.
    """

    key_of: Callable[[Any], Any] = staticmethod(_key)

    def __init__(self, items: Any = ()) -> None:
        super().__init__()
        self.update(items)

    def __getitem__(self, k: Any) -> Any:
        return super().__getitem__(self.key_of(k))

    def __setitem__(self, k: Any, v: Any) -> None:
        super().__setitem__(self.key_of(k), v)

    def __delitem__(self, k: Any) -> None:
        super().__delitem__(self.key_of(k))

    def __contains__(self, k: Any) -> bool:
        return super().__contains__(self.key_of(k))

    def get(self, k: Any, default: Any = None) -> Any:
        return super().get(self.key_of(k), default)

    def pop(self, k: Any, *default: Any) -> Any:
        return super().pop(self.key_of(k), *default)

    def setdefault(self, k: Any, default: Any = None) -> Any:
        return super().setdefault(self.key_of(k), default)

    def update(self, other: Any = (), **kwargs: Any) -> None:
        for k, v in dict(other, **kwargs).items():
            self[k] = v


def folder_key(folder: str, flavour: Flavour = NATIVE) -> str:
    """The key of a workspace folder given as a URI or (hand-written editor settings) a path,
    without a trailing slash."""
    if not _URI_SCHEME.match(folder):
        try:
            folder = path_to_uri(folder, flavour)
        except ValueError:  # a relative path: matches no document
            return folder
    key = document_key(folder)
    stripped = key.rstrip("/")
    return stripped if len(stripped) > len("file://") or not key.startswith("file:") else key


class FolderDict(KeyedDict):
    """Settings per workspace folder, keyed by :func:`folder_key`."""

    key_of = staticmethod(lambda k: folder_key(k) if isinstance(k, str) else k)


def folder_path(folder: str, flavour: Flavour = NATIVE) -> Optional[str]:
    return uri_to_path(folder_key(folder, flavour), flavour)


def is_pyproject(uri: str, flavour: Flavour = NATIVE) -> bool:
    """Is the file of `uri` a ``pyproject.toml`` (any spelling; any case on Windows)?"""
    path = uri_to_path(uri, flavour) if isinstance(uri, str) else None
    if not path:
        return False
    name = flavour(path).name
    return (name.lower() if flavour is PureWindowsPath else name) == "pyproject.toml"


def best_folder(uri: str, folders: Iterable[str], flavour: Flavour = NATIVE) -> Optional[str]:
    """The folder key (of `folders`, URIs or paths) that most closely contains the document `uri`."""
    path = uri_to_path(document_key(uri), flavour)  # the key: drive letters folded like folders
    if path is None:
        return None
    best: Optional[tuple[int, str]] = None
    for folder in {folder_key(f, flavour) for f in folders}:
        fpath = uri_to_path(folder, flavour)
        if not fpath or not same_or_inside(path, fpath, flavour):
            continue
        depth = len(flavour(fpath).parts)
        if best is None or depth > best[0]:
            best = (depth, folder)
    return None if best is None else best[1]


# ------------------------------------------------------------------------------------------------
# pygls' workspace, keyed the same way


class KeyedWorkspace:
    """Mixed in before pygls' ``Workspace`` class: the same methods, keyed by document keys.

    pygls' own versions apply ``urllib.parse.unquote`` to each URI, which neither folds the
    spellings of one file together nor keeps ``%23`` (``#``) and ``%25`` (``%``) apart from the
    URI syntax they decode to.
    """

    _text_documents: KeyedDict
    _notebook_documents: KeyedDict
    _cell_in_notebook: KeyedDict
    _folders: KeyedDict

    def put_text_document(self, text_document: lsp.TextDocumentItem, notebook_uri: Optional[str] = None) -> None:
        uri = text_document.uri
        self._text_documents[uri] = self._create_text_document(  # type: ignore[attr-defined]
            uri, source=text_document.text, version=text_document.version, language_id=text_document.language_id
        )
        if notebook_uri:
            self._cell_in_notebook[uri] = notebook_uri

    def update_text_document(self, text_doc: lsp.VersionedTextDocumentIdentifier,
                             change: lsp.TextDocumentContentChangeEvent) -> None:
        doc = self._text_documents.get(text_doc.uri)
        if doc is None:
            log.info("ignoring a change to %s: the document is not open", text_doc.uri)
            return
        doc.apply_change(change)
        doc.version = text_doc.version

    def remove_text_document(self, doc_uri: str) -> None:
        self._text_documents.pop(doc_uri, None)
        self._cell_in_notebook.pop(doc_uri, None)

    def get_text_document(self, doc_uri: str) -> Any:
        return self._text_documents.get(doc_uri) or self._create_text_document(doc_uri)  # type: ignore[attr-defined]

    def put_notebook_document(self, params: lsp.DidOpenNotebookDocumentParams) -> None:
        notebook = params.notebook_document
        self._notebook_documents[notebook.uri] = copy.deepcopy(notebook)
        for cell in params.cell_text_documents:
            self.put_text_document(cell, notebook_uri=notebook.uri)

    def remove_notebook_document(self, params: lsp.DidCloseNotebookDocumentParams) -> None:
        self._notebook_documents.pop(params.notebook_document.uri, None)
        for cell in params.cell_text_documents:
            self.remove_text_document(cell.uri)

    def get_notebook_document(self, *, notebook_uri: Optional[str] = None,
                              cell_uri: Optional[str] = None) -> Optional[lsp.NotebookDocument]:
        if notebook_uri is not None:
            return self._notebook_documents.get(notebook_uri)
        if cell_uri is not None:
            owner = self._cell_in_notebook.get(cell_uri)
            return None if owner is None else self._notebook_documents.get(owner)
        return None

    def update_notebook_document(self, params: lsp.DidChangeNotebookDocumentParams) -> None:
        uri = params.notebook_document.uri
        notebook = self._notebook_documents.get(uri)
        if notebook is None:
            log.info("ignoring a change to notebook %s: it is not open", uri)
            return
        notebook.version = params.notebook_document.version
        if params.change.metadata:
            notebook.metadata = params.change.metadata
        cells = params.change.cells
        if cells is None:
            return
        by_document = {document_key(c.document): c for c in notebook.cells}
        for data in cells.data or []:
            cell = by_document.get(document_key(data.document))
            if cell is not None:
                cell.kind, cell.metadata = data.kind, data.metadata
                cell.execution_summary = data.execution_summary
        structure = cells.structure
        if structure:
            start, deleted = structure.array.start, structure.array.delete_count
            cells_now = list(notebook.cells)  # a tuple when it came from JSON
            notebook.cells = cells_now[:start] + list(structure.array.cells or []) + cells_now[start + deleted:]
            for opened in structure.did_open or []:
                self.put_text_document(opened, notebook_uri=uri)
            for closed in structure.did_close or []:
                self.remove_text_document(closed.uri)
        for content in cells.text_content or []:
            for change in content.changes:
                self.update_text_document(content.document, change)

    def add_folder(self, folder: lsp.WorkspaceFolder) -> None:
        self._folders[folder.uri] = folder

    def remove_folder(self, folder_uri: str) -> None:
        self._folders.pop(folder_uri, None)


def adopt_workspace(workspace: Any) -> Any:
    """Key pygls' `workspace` (already created by pygls for ``initialize``) by document keys, in
    place. Composes with any Workspace subclass installed before (the class is extended, not
    replaced); a second call changes nothing."""
    if isinstance(workspace, KeyedWorkspace):
        return workspace
    base = type(workspace)
    workspace.__class__ = type("Keyed" + base.__name__, (KeyedWorkspace, base), {})
    workspace._text_documents = KeyedDict(workspace._text_documents)
    workspace._notebook_documents = KeyedDict(workspace._notebook_documents)
    workspace._cell_in_notebook = KeyedDict(workspace._cell_in_notebook)
    workspace._folders = FolderDict({f.uri: f for f in workspace._folders.values()})
    return workspace
