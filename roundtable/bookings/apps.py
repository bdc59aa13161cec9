from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "roundtable.bookings"
    label = "bookings"

    def ready(self) -> None:
        from roundtable.bookings import emails, logfilter, notification_emails  # noqa: F401  (register email context builders)

        logfilter.install()
