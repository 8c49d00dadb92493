"""``async with``: connect on entry, close on exit."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

__all__ = ["Connectable"]


class Connectable(ABC):
    """Something with ``connect()`` / ``close()`` usable as ``async with obj:``."""

    @abstractmethod
    async def connect(self) -> None:
        """Open the connection(s)."""

    @abstractmethod
    async def close(self) -> None:
        """Close the connection(s); safe to call twice."""

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
