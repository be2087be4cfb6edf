"""frictionless's verdict on descriptors, kept in `store.json` beside this module so that a run
on a package whose descriptor it found valid imports none of frictionless's validation: the
SHA-256 of each descriptor (its schemas inlined, with frictionless's version) that frictionless
found valid when the store was written. Any other descriptor is judged by frictionless, and its
problems reported.

`python -m cnru.store` writes the store for the shipped package; a test checks it is current.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib.metadata import version
from importlib.resources import files

STORE = files("cnru.engine") / "store.json"


def read(store) -> dict:
    """A store's entries: none if it is missing or unreadable (everything is then judged)."""
    try:
        return json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@functools.cache
def stored() -> dict:
    return read(STORE)


def descriptor_key(descriptor: dict) -> str:
    text = json.dumps([version("frictionless"), descriptor], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def known_valid(descriptor: dict) -> bool:
    """Whether frictionless found exactly this descriptor valid when the store was written."""
    return descriptor_key(descriptor) in stored().get("valid_descriptors", [])

