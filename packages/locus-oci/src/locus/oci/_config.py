"""``~/.oci/config`` profiles, region and compartment resolution (stdlib only)."""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path

from locus.core.errors import ConfigError

__all__ = [
    "DEFAULT_CONFIG_FILE",
    "DEFAULT_PROFILE",
    "OCIConfig",
    "inference_endpoint",
    "load_oci_config",
    "resolve_compartment",
    "resolve_region",
]

DEFAULT_CONFIG_FILE = "~/.oci/config"
DEFAULT_PROFILE = "DEFAULT"
_FIELDS = (
    "user",
    "tenancy",
    "fingerprint",
    "key_file",
    "key_content",
    "pass_phrase",
    "region",
    "security_token_file",
    "compartment_id",
)


@dataclass(frozen=True)
class OCIConfig:
    """One profile of an OCI config file.

    Attributes:
        profile: Profile name (``DEFAULT`` unless chosen).
        path: File it was read from (``None`` when built in code).
        user: User OCID.
        tenancy: Tenancy OCID (also the default compartment).
        fingerprint: Fingerprint of the API signing key.
        key_file: Path of the PEM private key.
        key_content: The PEM private key itself (instead of ``key_file``).
        pass_phrase: Pass phrase of an encrypted key.
        region: Region identifier, e.g. ``us-chicago-1``.
        security_token_file: Session token file (``oci session authenticate``).
        compartment_id: Optional default compartment OCID (a locus extension).
    """

    profile: str = DEFAULT_PROFILE
    path: str | None = None
    user: str | None = None
    tenancy: str | None = None
    fingerprint: str | None = None
    key_file: str | None = None
    key_content: str | None = None
    pass_phrase: str | None = None
    region: str | None = None
    security_token_file: str | None = None
    compartment_id: str | None = None

    @property
    def key_id(self) -> str:
        """``tenancy/user/fingerprint``, the ``keyId`` of API-key signatures.

        Raises:
            ConfigError: One of the three values is missing.
        """
        missing = [n for n in ("tenancy", "user", "fingerprint") if not getattr(self, n)]
        if missing:
            raise ConfigError(
                f"OCI profile {self.profile!r} ({self.path or 'in code'}) lacks "
                f"{', '.join(missing)}; API-key signing needs tenancy, user and fingerprint "
                "(see https://docs.oracle.com/iaas/Content/API/Concepts/sdkconfig.htm)"
            )
        return f"{self.tenancy}/{self.user}/{self.fingerprint}"

    def private_key_pem(self) -> bytes:
        """The PEM bytes of the signing key (``key_content`` or the ``key_file``).

        Raises:
            ConfigError: No key configured, or the file cannot be read.
        """
        if self.key_content:
            return self.key_content.encode()
        if not self.key_file:
            raise ConfigError(
                f"OCI profile {self.profile!r} has no key_file; add key_file=<path to the "
                "PEM private key> to the profile"
            )
        path = Path(self.key_file).expanduser()
        if not path.is_absolute() and self.path:
            path = Path(self.path).expanduser().parent / path
        try:
            return path.read_bytes()
        except OSError as exc:
            raise ConfigError(
                f"cannot read the OCI private key {str(path)!r} of profile {self.profile!r}: {exc}",
                cause=exc,
            ) from exc


def load_oci_config(
    path: str | os.PathLike[str] | None = None, profile: str | None = None
) -> OCIConfig:
    """Read one profile of an OCI config file.

    Values of ``[DEFAULT]`` are inherited by every profile, as in the OCI SDKs.

    Args:
        path: Config file; defaults to ``OCI_CONFIG_FILE``, then ``~/.oci/config``.
        profile: Profile name; defaults to ``OCI_CONFIG_PROFILE``, then ``DEFAULT``.

    Raises:
        ConfigError: The file or the profile does not exist.
    """
    file = Path(
        os.fspath(path)
        if path is not None
        else os.environ.get("OCI_CONFIG_FILE") or DEFAULT_CONFIG_FILE
    ).expanduser()
    name = profile or os.environ.get("OCI_CONFIG_PROFILE") or DEFAULT_PROFILE
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with file.open(encoding="utf-8") as fh:
            parser.read_file(fh)
    except FileNotFoundError as exc:
        raise ConfigError(
            f"OCI config file {str(file)!r} not found: create it with `oci setup config`, point "
            "OCI_CONFIG_FILE at yours, or use auth_type='instance_principal' / "
            "'resource_principal' inside OCI",
            cause=exc,
        ) from exc
    except (OSError, configparser.Error) as exc:
        raise ConfigError(f"cannot read OCI config file {str(file)!r}: {exc}", cause=exc) from exc
    if name != DEFAULT_PROFILE and not parser.has_section(name):
        raise ConfigError(
            f"OCI config file {str(file)!r} has no profile [{name}]; profiles: "
            f"{', '.join([DEFAULT_PROFILE, *parser.sections()])}"
        )
    section = parser[name] if name != DEFAULT_PROFILE else parser.defaults()
    values = {k: (section.get(k) or None) for k in _FIELDS}
    return OCIConfig(profile=name, path=str(file), **values)


def resolve_region(region: str | None, config: OCIConfig | None) -> str:
    """``region`` argument, else ``OCI_REGION``, else the profile's region.

    Raises:
        ConfigError: No region anywhere.
    """
    value = region or os.environ.get("OCI_REGION") or (config.region if config else None)
    if not value:
        raise ConfigError(
            "no OCI region: pass region='us-chicago-1', set OCI_REGION, or add region= to "
            "your OCI config profile"
        )
    return value


def resolve_compartment(compartment_id: str | None, config: OCIConfig | None) -> str | None:
    """``compartment_id`` argument, else ``OCI_COMPARTMENT_ID``, else the profile's
    ``compartment_id``, else its tenancy (the root compartment)."""
    return (
        compartment_id
        or os.environ.get("OCI_COMPARTMENT_ID")
        or (config.compartment_id or config.tenancy if config else None)
        or None
    )


def inference_endpoint(region: str) -> str:
    """The Generative AI inference host of a region (``https://inference.generativeai...``)."""
    return f"https://inference.generativeai.{region}.oci.oraclecloud.com"
