from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    """The benchmark and its scale data: development tools, kept apart from the product."""

    name = "benchmark"
    verbose_name = "Benchmark"
