from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "roundtable.bookings"
    label = "bookings"

    def ready(self) -> None:
        from roundtable.bookings import emails, notification_emails  # noqa: F401  (register email context builders)
        from roundtable.bookings import logfilter

        logfilter.install()
