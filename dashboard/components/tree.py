"""Walking a Dash component tree as a page's layout returns it: components, lists and the strings in them."""

from __future__ import annotations

from dash.development.base_component import Component


def walk(tree):
    """Every node of the tree (components, lists, strings and numbers), depth first, in the page's order."""
    yield tree
    if isinstance(tree, (list, tuple)):
        children = tree
    elif isinstance(tree, Component):
        children = getattr(tree, "children", None)
    else:
        return
    if children is None:
        return
    for child in (children if isinstance(children, (list, tuple)) else [children]):
        yield from walk(child)


def components(tree):
    """The components of the tree, depth first, in the page's order."""
    return (node for node in walk(tree) if isinstance(node, Component))
