"""Change history: django-simple-history's records, and a signal for those written in bulk.

simple-history sends `post_create_historical_record` for a record written by a save, not
for those that `bulk_create_with_history` and `bulk_update_with_history` write. Models
declare `history = TrackedHistory()`, whose manager sends `history_rows_created` with the
rows it wrote in bulk, so that the change log (workspace/changes.py) indexes every change
whichever way it was written.
"""

from django.dispatch import Signal
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

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
