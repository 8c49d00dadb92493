"""Models: the response type, the provider registry and the offline models.

``get_model("provider:name")`` resolves a model string through the plugin
registry (``locus_register_models``). ``"test"`` is the offline
:class:`TestModel`; ``"openai:gpt-4.1"`` needs ``pip install locus-openai``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from locus.models.response import ModelResponse

__all__ = [
    "FunctionModel",
    "ModelConfig",
    "ModelProtocol",
    "ModelResponse",
    "ScriptedModel",
    "TestModel",
    "get_model",
    "list_providers",
    "parse_model_string",
    "register_provider",
]

_LAZY = {
    "FunctionModel": "locus.models.offline",
    "ScriptedModel": "locus.models.offline",
    "TestModel": "locus.models.offline",
    # the original locus's names
    "ModelConfig": "locus.models.base",
    "ModelProtocol": "locus.models.base",
    "RequestBuilder": "locus.models.base",
    "ResponseParser": "locus.models.base",
    "list_providers": "locus.models.registry",
    "OpenAIConfig": "locus.models.native.openai",
    "OpenAIModel": "locus.models.native.openai",
    "register_provider": "locus.models.registry",
    # served by locus-oci (ImportError naming it when missing)
    "OCIAuthType": "locus.models.providers.oci",
    "OCIConfig": "locus.models.providers.oci",
    "OCIModel": "locus.models.providers.oci",
    "OCIOpenAIConfig": "locus.models.providers.oci",
    "OCIOpenAIModel": "locus.models.providers.oci",
}


def parse_model_string(spec: str) -> tuple[str, str]:
    """Split ``"provider:model"`` into ``(provider, model)``; ``"test"`` → ``("test", "")``."""
    provider, _, name = spec.partition(":")
    return provider.strip().lower(), name.strip()


def get_model(spec: str, **options: Any) -> Any:
    """Build the model a ``"provider:name"`` string names.

    Args:
        spec: ``"openai:gpt-4.1"``, ``"anthropic:claude-sonnet-4-5"``, ``"test"``...
        **options: Passed to the provider's factory (``api_key=``, ``base_url=``...).

    Raises:
        locus.core.errors.ValidationError: ``spec`` is not a non-empty string.
        locus.core.errors.PluginNotFoundError: no installed plugin provides the
            prefix; the message names the distribution to install.
    """
    from locus.core.errors import ValidationError
    from locus.plugins import model_registry

    if not isinstance(spec, str) or not spec.strip():
        raise ValidationError(
            f"model must be a 'provider:name' string or a model object, got {spec!r}"
        )
    provider, name = parse_model_string(spec)
    registry = model_registry()
    if not name and provider not in registry:
        guess = _provider_of(provider)
        if guess is not None:
            from locus.core.errors import PluginNotFoundError

            raise PluginNotFoundError(
                f"model {spec!r} names no provider: did you mean '{guess}:{spec.strip()}'? "
                f"Model strings are 'provider:name' (Agent(model='test') runs offline)."
            )
    factory = registry.get(provider).load()
    return factory(name, **options)


_PROVIDER_PREFIXES = (
    ("openai", ("gpt-", "gpt4", "o1", "o3", "o4", "chatgpt", "text-embedding")),
    ("anthropic", ("claude",)),
    ("ollama", ("llama", "mistral", "qwen", "gemma", "phi", "deepseek")),
)


def _provider_of(model_name: str) -> str | None:
    """The provider a bare model name most likely belongs to (``"gpt-4o"`` → ``"openai"``)."""
    for provider, prefixes in _PROVIDER_PREFIXES:
        if model_name.startswith(prefixes):
            return provider
    return None


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'locus.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # pragma: no cover
    from locus.models.offline import FunctionModel, ScriptedModel, TestModel
