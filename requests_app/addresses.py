"""One normal form of an e-mail address, for the limit and the lookup that must agree on it."""

from __future__ import annotations

import hashlib
import unicodedata


def normal_form(address: str) -> str:
    """`address` compatibility-normalised (NFKC) and case folded, as every comparison takes it.

    A limit keyed on Python's lower() and a lookup with PostgreSQL's upper() disagreed on
    letters such as the long s (ſ): each spelling had a limit of its own, and found the same
    requests. Case folding can leave a string that NFKC changes again, hence the second pass.
    """
    folded = unicodedata.normalize("NFKC", address.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


def key(address: str) -> str:
    """The SHA-256 of the normal form: what a request stores to be found by its address, and
    what a task gets instead of the address."""
    return hashlib.sha256(normal_form(address).encode()).hexdigest()
