"""Near misses of people's names, for the imports: a name not on record that is one slip
away from a name on record ("Dean Bouges" for Dean Bogues) is most likely a typo, not a
new person.

Two names are a near miss when, compared without case, accents, spaces and punctuation,
deleting at most one letter from each makes them the same: one letter wrong, missing or
extra, or two neighbouring letters swapped (within an edit distance of 2). The names on
record are indexed once per file by every form they take with one letter deleted, so each
new name is looked up in a dictionary (about as many lookups as it has letters), never
compared with every name on record.
"""

import difflib
import unicodedata
from collections.abc import Iterable


def normalized(name: str) -> str:
    """The name's letters and digits, lower case, accents dropped: "Dean  Bogues, Jr." ->
    "deanboguesjr"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed.casefold() if c.isalnum())


def _deletions(text: str) -> set[str]:
    """The text itself and every text with one character deleted."""
    return {text} | {text[:i] + text[i + 1 :] for i in range(len(text))}


class NameIndex:
    """The names on record, indexed for near-miss look-ups."""

    def __init__(self, names: Iterable[str]):
        self.variants: dict[str, set[str]] = {}
        for name in names:
            key = normalized(name)
            if not key:
                continue
            for variant in _deletions(key):
                self.variants.setdefault(variant, set()).add(name)

    def near_misses(self, name: str, limit: int = 3) -> list[str]:
        """Names on record that `name` (itself not on record) nearly matches, the closest
        first."""
        key = normalized(name)
        if not key:
            return []
        found: set[str] = set()
        for variant in _deletions(key):
            found |= self.variants.get(variant, set())
        found.discard(name)
        return sorted(
            found,
            key=lambda other: (
                -difflib.SequenceMatcher(None, key, normalized(other)).ratio(),
                other,
            ),
        )[:limit]


def near_miss_message(name: str, suggestions: list[str]) -> str:
    if len(suggestions) == 1:
        meant = suggestions[0]
    else:
        meant = ", ".join(suggestions[:-1]) + f" or {suggestions[-1]}"
    return (
        f"No one named “{name}” is on record; did you mean {meant}? If this is a new "
        f"person, confirm it as new."
    )
