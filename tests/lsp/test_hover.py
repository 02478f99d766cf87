"""The hover over a finding: a short, escaped summary of its rule (lsp/hover_text.py)."""

from __future__ import annotations

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_helpers import LAMBDA, SERVER_CMD, diagnostics_for, open_doc, uri_for
from mpguard.lsp.hover_text import escape_html, escape_text, findings_hover, lead, suppression_hover

MP201_HOVER = """\
**MP201** lambda-to-process

pickle stores a function as a reference to its importable name (`module.qualname`); a lambda has \
no such name (`<lambda>`), so it cannot be pickled.

Fix: **Replace lambda with module-level function**: a `def _name(...)` is inserted at module level \
above the statement that holds the lambda, and the lambda is replaced by it.

[Full documentation of MP201](https://github.com/mpguard/mpguard/blob/main/docs/rules/MP201.md)"""

MP604_HOVER = """\
**MP604** join-without-close

`multiprocessing.Pool.join()` waits for the worker processes to exit, which they only do once the \
pool has been told that no more work is coming. It therefore checks the pool's state first and \
raises `ValueError: Pool is still running` when neither `close()` nor `terminate()` was called.

Fix: **Insert `pool.close()`** (safe): adds `<pool>.close()` on its own line right before the \
`join()`, with the same indentation. Better still, use the pool as a context manager.

[Full documentation of MP604](https://github.com/mpguard/mpguard/blob/main/docs/rules/MP604.md)"""


def test_hover_of_two_rules_is_pinned():
    assert findings_hover(["MP201"]) == MP201_HOVER
    assert findings_hover(["MP604"]) == MP604_HOVER


def test_hover_has_no_heading_and_no_rule_page():
    for code in ("MP101", "MP201", "MP404", "MP604"):
        text = findings_hover([code])
        assert not any(line.startswith("#") for line in text.splitlines()), code
        assert "```" not in text and "## Example" not in text, code


def test_several_findings_give_one_section_per_code():
    assert findings_hover(["MP201", "mp604", "MP201"]) == MP201_HOVER + "\n\n---\n\n" + MP604_HOVER
    assert findings_hover(["XY123"]) is None


def test_unknown_code_in_a_suppression_comment():
    assert suppression_hover("MP2O1") == "Unknown rule code `MP2O1`."


def test_plain_text_is_escaped_and_markdown_keeps_its_code_spans():
    assert escape_text('if __name__ == "__main__": f(<lambda>) * 2') == \
        'if \\_\\_name\\_\\_ == "\\_\\_main\\_\\_": f(\\<lambda\\>) \\* 2'
    assert escape_html("a <lambda> & `<lambda> & x` and **bold**") == \
        "a &lt;lambda&gt; &amp; `<lambda> & x` and **bold**"


def test_lead_takes_whole_sentences_of_the_first_paragraph():
    text = "First one, see `a. B` here. Second is\nlonger. Third.\n\nOther paragraph."
    assert lead(text, 40) == "First one, see `a. B` here."
    assert lead(text, 50) == "First one, see `a. B` here. Second is longer."
    assert lead(text, 1000) == "First one, see `a. B` here. Second is longer. Third."
    assert lead("Pass this to the base class:\n\n```python\nx\n```", 100) == "Pass this to the base class."


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_CMD))
async def client(lsp_client: LanguageClient, tmp_path):
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(text_document=lsp.TextDocumentClientCapabilities(
            hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.Markdown]))),
        root_uri=tmp_path.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
    ))
    yield
    await lsp_client.shutdown_session()


async def test_server_hover_is_the_summary_without_the_message(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, LAMBDA)
    diags = await diagnostics_for(client, uri, lambda ds: any(d.code == "MP201" for d in ds))
    d = next(d for d in diags if d.code == "MP201")
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=d.range.start)
    )
    assert hover.contents.kind == lsp.MarkupKind.Markdown
    assert hover.contents.value == MP201_HOVER
    assert d.message not in hover.contents.value
    assert hover.range == d.range


MP000_TOO_LARGE_HOVER = """\
**MP000** file-too-large

The editor holds a file over the size limit (`maxFileSizeKb`, `max-file-size-kb`; 1,024 kB by default), \
so the language server did not analyse it (information, not an error).

Fix: Raise the limit or set it to 0, or exclude the generated file; `mpguard check --force` checks it.

[Full documentation of MP000](https://github.com/mpguard/mpguard/blob/main/docs/rules/MP000.md)"""


def test_an_mp000_hover_explains_its_own_problem():
    assert findings_hover([("MP000", "file-too-large")]) == MP000_TOO_LARGE_HOVER
    assert findings_hover([("MP000", "syntax-error")]).startswith(
        "**MP000** syntax-error\n\nThe file does not parse (CPython's message and position; libcst's for")
    assert findings_hover(["MP000"]).startswith("**MP000** syntax-error\n\nmpguard could not check this file")


async def test_hover_of_the_size_notice_explains_the_size_limit(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings={"mpguard": {"maxFileSizeKb": 1}}))
    open_doc(client, uri, LAMBDA + "# padding\n" * 200)
    diags = await diagnostics_for(client, uri, lambda ds: [d.code for d in ds] == ["MP000"])
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=diags[0].range.start)
    )
    assert hover.contents.value == MP000_TOO_LARGE_HOVER
