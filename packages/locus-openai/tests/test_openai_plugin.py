"""The ``openai:`` prefix resolves through the plugin registry; importing stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

from locus.core.errors import ValidationError
from locus.models import get_model
from locus.openai import OpenAIModel


def test_model_string_resolves_to_chat_model() -> None:
    model = get_model("openai:gpt-4.1", api_key="sk-test", temperature=0)
    assert isinstance(model, OpenAIModel)
    assert model.model == "gpt-4.1"
    assert model.defaults == {"temperature": 0}


def test_unknown_api_is_rejected() -> None:
    with pytest.raises(ValidationError, match="responses"):
        get_model("openai:gpt-4.1", api_key="sk-test", api="legacy")


def test_import_does_not_load_the_sdk() -> None:
    code = (
        "import sys, locus.openai, locus.openai._plugin\n"
        "from locus.openai import OpenAIModel, messages_to_chat\n"
        "assert 'openai' not in sys.modules, 'openai SDK imported eagerly'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_models_satisfy_the_model_protocol() -> None:
    from locus.core.protocols import ModelProtocol
    from locus.openai import OpenAIResponsesModel

    assert isinstance(OpenAIModel("gpt-4.1", api_key="k"), ModelProtocol)
    assert isinstance(OpenAIResponsesModel("gpt-5", api_key="k"), ModelProtocol)
