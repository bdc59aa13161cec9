from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "roundtable.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from roundtable.core import logfilter

        # Each app registers its private paths from its own ready(); the filter reads them as it goes.
        logfilter.install()
