"""Global search across record types. Apps register providers; each returns (label, url, kind) hits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Hit:
    label: str
    url: str
    kind: str
    detail: str = ""


PROVIDERS: list = []


def register(provider):
    PROVIDERS.append(provider)
    return provider


def global_search(query: str, limit: int = 20) -> list[tuple[str, list[Hit]]]:
    groups = []
    for provider in PROVIDERS:
        title, hits = provider(query, limit)
        if hits:
            groups.append((title, hits))
    return groups
