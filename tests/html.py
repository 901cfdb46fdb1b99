"""Markup in tests, read the way a browser reads it rather than matched as raw text: parsed with
Django's test HTML parser (the one behind `assertHTMLEqual`), and elements found with simple
CSS selectors, so reordering attributes, adding a class or reflowing a template breaks no test.

    select(html, "li.tool-chip")                       # every <li> with the class tool-chip
    select(html, "#step-status-3.status-done")         # an id and a class together
    select(html, 'figure.team-diagram a[href="/roles/data-engineer/"]')   # a descendant
    text(select_one(html, "h1"))                       # its text, whitespace collapsed
"""

import re
from collections.abc import Iterator

from django.test.html import Element, RootElement, parse_html

# One compound selector: an optional tag, then any number of #id, .class and [attribute] or
# [attribute="value"] parts.
_PART = re.compile(
    r"""
    \#(?P<id>[\w-]+)
    | \.(?P<cls>[\w-]+)
    | \[(?P<attr>[\w:-]+)(?:=(?P<q>["']?)(?P<value>.*?)(?P=q))?\]
    """,
    re.VERBOSE,
)
_COMPOUND = re.compile(r"""(?P<tag>[\w-]+|\*)?(?P<parts>(?:#[\w-]+|\.[\w-]+|\[[^\]]*\])*)""")


def _matcher(compound: str):
    match = _COMPOUND.fullmatch(compound)
    if not match or not compound:
        raise ValueError(f"Unsupported selector: {compound!r}")
    tag = (match["tag"] or "*").lower()
    conditions = [m.groupdict() for m in _PART.finditer(match["parts"])]

    def matches(element: Element) -> bool:
        if tag != "*" and element.name != tag:
            return False
        attributes = dict(element.attributes)
        for condition in conditions:
            if condition["id"] is not None and attributes.get("id") != condition["id"]:
                return False
            if (
                condition["cls"] is not None
                and condition["cls"] not in (attributes.get("class") or "").split()
            ):
                return False
            if condition["attr"] is not None:
                name = condition["attr"].lower()
                if name not in attributes:
                    return False
                if condition["value"] is not None and attributes[name] != condition["value"]:
                    return False
        return True

    return matches


def _split(selector: str) -> list[str]:
    """The compound selectors of a descendant selector (spaces inside brackets kept)."""
    return re.findall(r"""(?:[^\s\[]|\[[^\]]*\])+""", selector)


def _descendants(element: Element) -> Iterator[Element]:
    for child in element.children:
        if isinstance(child, Element):
            yield child
            yield from _descendants(child)


def parse(markup: str | bytes | Element) -> Element:
    """The parsed markup: a page, a partial or a fragment (an Element is returned as is)."""
    if isinstance(markup, Element):
        return markup
    if isinstance(markup, bytes):
        markup = markup.decode()
    return parse_html(markup)


def select(markup: str | bytes | Element, selector: str) -> list[Element]:
    """The elements that match `selector`, in document order. It supports tags, `#id`,
    `.class`, `[attribute]`, `[attribute="value"]` and descendants (a space)."""
    root = parse(markup)
    if not isinstance(root, RootElement):  # a lone element is parsed as itself: wrap it
        wrapper = RootElement()
        wrapper.children.append(root)
        root = wrapper
    found = [root]
    for compound in _split(selector):
        matches = _matcher(compound)
        seen: set[int] = set()
        next_found = []
        for ancestor in found:
            for element in _descendants(ancestor):
                if id(element) not in seen and matches(element):
                    seen.add(id(element))
                    next_found.append(element)
        found = next_found
    return found


def select_one(markup: str | bytes | Element, selector: str) -> Element:
    """The single element that matches `selector`; fails the test if there are none or more."""
    found = select(markup, selector)
    assert len(found) == 1, f"{len(found)} elements match {selector!r}, expected one"
    return found[0]


def text(element: Element | str) -> str:
    """The element's text, as a reader sees it: tags dropped, whitespace collapsed."""
    if isinstance(element, str):
        return " ".join(element.split())
    return " ".join(" ".join(text(child) for child in element.children).split())


def attribute(element: Element, name: str) -> str | None:
    """The value of one attribute (None when absent; "" for a boolean attribute)."""
    for key, value in element.attributes:
        if key == name:
            return "" if value is None else value
    return None


def classes(element: Element) -> set[str]:
    """The element's classes."""
    return set((attribute(element, "class") or "").split())


CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([\w-]+)')


def csrf_tokens(markup: str | bytes) -> list[str]:
    """The page's CSRF tokens, in its forms and in the header htmx sends, in page order."""
    markup = markup.decode() if isinstance(markup, bytes) else markup
    return [token for _, token in CSRF_TOKEN.findall(markup)]


def without_csrf_tokens(markup: str | bytes) -> str:
    """The page with its CSRF tokens blanked: each answer masks the token anew."""
    markup = markup.decode() if isinstance(markup, bytes) else markup
    return CSRF_TOKEN.sub(r"\1", markup)
