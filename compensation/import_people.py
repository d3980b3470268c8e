"""The people an import names: those on record read in one query per file, the others
new people, one per name, listed in the preview with their rows. A new name that is a near
miss of a name on record (core.names) is an error on each of its rows unless the row says
`new_person` yes, or the page or the command confirms the name as new."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from core.history import create_with_history
from core.imports import ImportResult, RowError
from core.names import NameIndex, near_miss_message

from .models import Person

YES, NO = ("yes", "true", "1", "y"), ("no", "false", "0", "n", "")


def yes_or_no(text: str) -> bool:
    answer = text.strip().lower()
    if answer in YES:
        return True
    if answer in NO:
        return False
    raise ValidationError("Enter yes or no (or true/false, 1/0); empty is no.")


def same_name(name: str) -> str:
    """The key under which two spellings are one name: capitals and spacing aside."""
    return " ".join(name.split()).casefold()


class PeopleOnRecord:
    def __init__(self, confirmed: Iterable[str] = ()):
        self.by_name: dict[str, Person] = {p.name: p for p in Person.objects.all()}
        # Names are one per person ignoring capitals and spacing (Person.clean()), as the
        # name boxes find them: "james r. akridge" is James R. Akridge, not a new person.
        self.by_key: dict[str, Person] = {same_name(p.name): p for p in self.by_name.values()}
        self.confirmed = {name.strip() for name in confirmed}
        self.new: dict[str, Person] = {}
        # New name -> [(row, confirmed on the row)]
        self.rows: dict[str, list[tuple[int, bool]]] = {}

    def get(self, name: str, line: int, confirmed: bool = False) -> Person:
        """The person on record of that name, or the new person (unsaved, one per name)."""
        person = self.by_name.get(name) or self.by_key.get(same_name(name))
        if person is not None:
            return person
        known = self.new.get(same_name(name))
        self.rows.setdefault(known.name if known else name, []).append((line, confirmed))
        return self.new.setdefault(same_name(name), Person(name=name))

    def check(self, result: ImportResult, column: str) -> None:
        """List the new people in the result, and refuse the rows of a near-miss name not
        confirmed as new."""
        result.new_people = {name: [line for line, _ in rows] for name, rows in self.rows.items()}
        unconfirmed = {
            name: [line for line, ok in rows if not ok]
            for name, rows in self.rows.items()
            if name not in self.confirmed
        }
        unconfirmed = {name: lines for name, lines in unconfirmed.items() if lines}
        if not unconfirmed:
            return
        index = NameIndex(self.by_name)
        for name, lines in unconfirmed.items():
            suggestions = index.near_misses(name)
            if not suggestions:
                continue
            result.near_misses[name] = suggestions
            # Not added unless confirmed as new: listed as a near miss, not a new person.
            result.new_people.pop(name, None)
            message = near_miss_message(name, suggestions)
            for line in lines:
                result.errors.append(RowError(line, column, message))

    def save_new(self, people: Iterable[Person] | None = None) -> None:
        """Save the new people (all, or those given) in one statement, with their history."""
        unsaved = [p for p in (self.new.values() if people is None else people) if p.pk is None]
        create_with_history(unsaved, Person)
