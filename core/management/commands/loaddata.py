"""Django's loaddata, with django-simple-history's recording off while it runs.

A backup holds the change history itself (the historical tables are dumped with the
records). Loading a record's many-to-many values (an officer's yearly footnotes) sends
m2m_changed, on which simple-history would write a new history row: one that never
happened, numbered before the database's sequences are reset, so on PostgreSQL it takes
the id of a history row still to be loaded and the restore fails with a duplicate key.
Saves are already skipped (loaddata saves raw); SIMPLE_HISTORY_ENABLED=False skips the
m2m rows as well (django-simple-history issue 1328).
"""

from django.core.management.commands import loaddata
from django.test.utils import override_settings


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            return super().handle(*fixture_labels, **options)
