from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make demo` (`manage.py seed_demo`). The top of the layers: it may import any
    app, and no app imports it."""

    name = "roundtable.demo"
    label = "demo"
