"""Change history: django-simple-history's records, and a signal for those written in bulk.

simple-history sends `post_create_historical_record` for a record written by a save, not
for those that `bulk_create_with_history` and `bulk_update_with_history` write. Models
declare `history = TrackedHistory()`, whose manager sends `history_rows_created` with the
rows it wrote in bulk, so that the change log (workspace/changes.py) indexes every change
whichever way it was written.
"""

from operator import attrgetter

from django.dispatch import Signal
from django.utils import timezone
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

from .bulk import BATCH, build, insert

# sender: the historical model; rows: the historical records written in bulk.
history_rows_created = Signal()


class LoggedHistoryManager(HistoryManager):
    def bulk_history_create(self, objs, *args, **kwargs):
        rows = super().bulk_history_create(objs, *args, **kwargs)
        if rows:
            history_rows_created.send(sender=self.model, rows=rows)
        return rows


def TrackedHistory(**options) -> HistoricalRecords:  # noqa: N802 (reads as a field)
    return HistoricalRecords(history_manager=LoggedHistoryManager, **options)


def create_with_history(objs: list, model, user=None, batch_size: int = BATCH) -> list:
    """New records saved in bulk with a history record each ("+", by `user`), as
    simple-history's bulk_create_with_history() writes them, and by core.bulk.insert()
    (COPY on PostgreSQL). Each history record holds its record's related records as they
    were loaded, so that the change log reads no more of them. Unlike simple-history, it
    does not read a change reason, user or date set on each record: one user and time
    for the whole batch."""
    insert(objs, batch_size)
    history = model.history.model
    if user is None and objs:  # as simple-history finds it: the request's user, if any
        user = history.get_default_history_user(objs[0])
    common = {
        "history_date": timezone.now(),
        "history_user_id": user.pk if user is not None else None,
        "history_change_reason": "",
        "history_type": "+",
    }
    tracked = history.tracked_fields
    links = [f for f in tracked if f.is_relation]
    by = history._meta.get_field("history_user")
    names = [f.attname for f in tracked]
    values = attrgetter(*names)
    rows = []
    for obj in objs:
        row = build(history, dict(zip(names, values(obj), strict=True)) | common)
        by.set_cached_value(row, user)
        for field in links:
            if field.is_cached(obj):
                field.set_cached_value(row, field.get_cached_value(obj))
        rows.append(row)
    insert(rows, batch_size)
    if rows:
        history_rows_created.send(sender=history, rows=rows)
    return objs
