from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "roundtable.records"
    label = "records"
    verbose_name = "Session records"

    def ready(self) -> None:
        from roundtable.records import emails  # noqa: F401  (registers the digest email's context builder)
