from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "roundtable.blog"
    label = "blog"

    def ready(self) -> None:
        from roundtable.blog import emails  # noqa: F401  (registers email context builders)
