"""How to install a locus distribution: the one wording every "not installed" message uses.

No locus distribution is on PyPI (docs/installing.md): each is installed from
a checkout with ``locus-core`` and the locus distributions it depends on.
"""

from __future__ import annotations

__all__ = ["install_command", "install_hint"]

# locus distributions that need another one besides locus-core (their pyproject dependencies)
_NEEDS: dict[str, tuple[str, ...]] = {
    "locus-ollama": ("locus-openai",),
    "locus-oci": ("locus-openai",),
}


def install_command(dist: str) -> str:
    """The command that installs ``dist`` from a locus checkout (as docs/installing.md lists it)."""
    names = ["locus-core", *_NEEDS.get(dist, ()), dist] if dist != "locus-core" else [dist]
    return "pip install " + " ".join(f"./packages/{name}" for name in names)


def install_hint(dist: str) -> str:
    """``dist``'s name and its checkout install command, for an error message."""
    return (
        f"{dist} is not on PyPI; install it from a locus checkout: "
        f"`{install_command(dist)}` (see docs/installing.md)"
    )
