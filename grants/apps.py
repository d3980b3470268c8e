from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = "Stock option grants and restricted stock"
    # Every write to its tables changes the data version (core/data_version.py).
    tracks_writes = True
