from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "roundtable.payments"
    label = "payments"
    verbose_name = "Involvement payments"

    def ready(self) -> None:
        # Attendance marked in bookings makes an accepted fee due (bookings never imports payments).
        from roundtable.payments import receivers  # noqa: F401
