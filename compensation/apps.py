from django.apps import AppConfig


class CompensationConfig(AppConfig):
    name = "compensation"
    verbose_name = "Compensation"
    # Every write to its tables changes the data version (core/data_version.py).
    tracks_writes = True
