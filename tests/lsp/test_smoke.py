from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_helpers import BROKEN, SERVER_CMD, diagnostics_for, open_doc, uri_for


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_CMD))
async def client(lsp_client: LanguageClient, tmp_path):
    await lsp_client.initialize_session(
        lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=tmp_path.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


async def test_broken_script_has_mp101(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(client, uri, BROKEN)
    diags = await diagnostics_for(client, uri, lambda ds: len(ds) > 0)
    print(diags)
    assert any(d.code == "MP101" for d in diags)
