from django.apps import AppConfig


class CocreationConfig(AppConfig):
    name = "roundtable.cocreation"
    label = "cocreation"

    def ready(self) -> None:
        from roundtable.cocreation import signals  # noqa: F401  (connects the receivers)
