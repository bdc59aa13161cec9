from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "roundtable.newsletter"
    label = "newsletter"

    def ready(self) -> None:
        from roundtable.core.logfilter import SECRET, register_private_paths
        from roundtable.newsletter import emails  # noqa: F401  (registers email context builders)

        register_private_paths(rf"(/newsletter/confirm/|/newsletter/unsubscribe/){SECRET}")
