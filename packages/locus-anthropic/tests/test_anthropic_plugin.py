"""The ``anthropic:`` prefix resolves through the plugin registry; importing stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

from locus.anthropic import AnthropicModel
from locus.core.errors import ValidationError
from locus.core.protocols import ModelProtocol
from locus.models import get_model


def test_model_string_resolves_through_the_plugin() -> None:
    model = get_model("anthropic:claude-sonnet-4-5", api_key="sk-ant-test", max_tokens=512)
    assert isinstance(model, AnthropicModel)
    assert model.model == "claude-sonnet-4-5"
    assert model.defaults == {"max_tokens": 512}


def test_empty_model_name_is_rejected() -> None:
    from locus.anthropic._factory import create_model

    with pytest.raises(ValidationError, match="anthropic:claude"):
        create_model("", api_key="k")


def test_entry_point_is_the_distribution_name() -> None:
    from importlib.metadata import entry_points

    eps = {ep.name: ep.value for ep in entry_points(group="locus")}
    assert eps.get("locus-anthropic") == "locus.anthropic._plugin"


def test_import_does_not_load_the_sdk() -> None:
    code = (
        "import sys, locus.anthropic, locus.anthropic._plugin\n"
        "from locus.anthropic import AnthropicModel, messages_to_anthropic, parse_message\n"
        "AnthropicModel('claude-sonnet-4-6', api_key='k')\n"
        "assert 'anthropic' not in sys.modules, 'anthropic SDK imported eagerly'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_model_satisfies_the_model_protocol() -> None:
    assert isinstance(AnthropicModel(api_key="k"), ModelProtocol)


def test_public_names() -> None:
    import locus.anthropic as pkg

    for name in pkg.__all__:
        assert getattr(pkg, name) is not None
    with pytest.raises(AttributeError):
        _ = pkg.NotAThing  # type: ignore[attr-defined]
