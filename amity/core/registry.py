"""Small registries through which apps plug into shared pages without the core importing them.

- ``register_nav(label, url_name, order)``: a link in the top navigation.
- ``register_panel(model, func)``: ``func(request, obj) -> dict | None`` adds a panel (``{"template": ...,
  **context}``) to the detail page of ``model`` (e.g. the activity timeline on a country page).
- ``HOME_WIDGETS`` (in core.views): panels on the home page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(order=True)
class NavItem:
    order: int
    label: object
    url_name: str


NAV_ITEMS: list[NavItem] = []
PANELS: dict[str, list] = {}


def register_nav(label, url_name: str, order: int = 50) -> None:
    if all(item.url_name != url_name for item in NAV_ITEMS):
        NAV_ITEMS.append(NavItem(order, label, url_name))
        NAV_ITEMS.sort()


def register_panel(model, func) -> None:
    PANELS.setdefault(model._meta.label_lower, []).append(func)


def panels_for(request, obj) -> list[dict]:
    out = []
    for func in PANELS.get(obj._meta.label_lower, []):
        panel = func(request, obj)
        if panel:
            out.append(panel)
    return out
