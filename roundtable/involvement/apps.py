from django.apps import AppConfig


class InvolvementConfig(AppConfig):
    name = "roundtable.involvement"
    label = "involvement"

    def ready(self) -> None:
        from roundtable.core.logfilter import SECRET, register_private_paths
        from roundtable.involvement import (
            booking_page,  # noqa: F401  (the payment part of a booking's page)
            emails,  # noqa: F401  (register email context builders)
        )

        register_private_paths(rf"(/you/){SECRET}")
