"""Python's cyclic garbage collector paused while a batch of documents is processed.

A batch keeps thousands of objects alive until it is written (texts, extractions, suggestions, payloads, rows). The
collector keeps finding them alive, and their allocations soon trigger full collections, which scan every object
of the process (the extraction engine's gazetteer among them): measured at ~1 ms of CPU per ingested document,
for nothing, since reference counting frees the batch's objects when it ends. Whatever cyclic garbage a batch
does leave is collected at the first collection after it.
"""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def collector_paused():
    """The collector off for the block; left as it was if something else had turned it off (nesting is fine)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
