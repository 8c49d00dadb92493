"""Live OCI Generative AI calls: run only with LOCUS_TEST_OCI_LIVE=1 and a real ~/.oci/config."""

from __future__ import annotations

import os

import pytest

from locus.core.messages import Message

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not os.environ.get("LOCUS_TEST_OCI_LIVE"),
        reason="LOCUS_TEST_OCI_LIVE not set (needs ~/.oci/config, OCI_REGION, OCI_COMPARTMENT_ID)",
    ),
]


async def test_live_cohere_and_openai_compatible() -> None:
    from locus.models.guard import override_allow_model_requests
    from locus.oci import OCICohereModel, OCIOpenAIModel

    with override_allow_model_requests(True):
        cohere = await OCICohereModel(
            os.environ.get("LOCUS_TEST_OCI_COHERE", "cohere.command-r-plus-08-2024")
        ).complete([Message.user("Say OK.")], max_tokens=10)
        assert cohere.text
        compat = await OCIOpenAIModel(
            os.environ.get("LOCUS_TEST_OCI_MODEL", "openai.gpt-4.1")
        ).complete([Message.user("Say OK.")])
        assert compat.text
