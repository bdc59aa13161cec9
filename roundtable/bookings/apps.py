from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "roundtable.bookings"
    label = "bookings"

    def ready(self) -> None:
        from roundtable.bookings import emails, notification_emails  # noqa: F401  (register email context builders)
        from roundtable.core.logfilter import SECRET, register_private_paths

        register_private_paths(
            rf"(/booking/)(?!cancelled/){SECRET}",  # the private link
            rf"(/booking/cancelled/|/signed-up/){SECRET}",  # the signed references
        )
