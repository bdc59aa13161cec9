from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "roundtable.bookings"
    label = "bookings"

    def ready(self) -> None:
        from roundtable.bookings import emails  # noqa: F401  (registers email context builders)
