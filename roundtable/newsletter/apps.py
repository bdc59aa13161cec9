from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "roundtable.newsletter"
    label = "newsletter"

    def ready(self) -> None:
        from roundtable.newsletter import emails  # noqa: F401  (registers email context builders)
