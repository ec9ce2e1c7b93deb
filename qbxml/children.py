"""A Ret element's children by name, read in one pass.

Reading a Ret asks for a dozen or more children by name. ``element.find`` walks the children
each time (about 1.5 µs, absent ones included), so a 50,000-object answer spent most of its
parse time there. ``Children`` walks them once into a dict of the first child of each name;
every lookup after that is a dict lookup. It offers what the Ret readers use of an element:
``tag``, ``find``, ``get`` (attributes) and iteration.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeAlias

from lxml import etree


class Children:
    """The children of one element, indexed by tag (the first of each name)."""

    __slots__ = ("_element", "_first", "tag")

    def __init__(self, element: etree._Element) -> None:
        self._element = element
        self.tag = element.tag
        first: dict[Any, etree._Element] = {}
        for child in element:
            first.setdefault(child.tag, child)
        self._first = first

    def find(self, path: str) -> etree._Element | None:
        """The first child at ``path`` ("Name" or "BillAddress/City"), or None."""
        head, _, rest = path.partition("/")
        child = self._first.get(head)
        if child is None or not rest:
            return child
        return child.find(rest)

    def get(self, name: str, default: str | None = None) -> str | None:
        """An attribute of the element."""
        value = self._element.get(name, default)
        return None if value is None else str(value)

    def __iter__(self) -> Iterator[etree._Element]:
        return iter(self._element)


Node: TypeAlias = "etree._Element | Children"
