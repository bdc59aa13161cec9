from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """Everything a coordinator or facilitator does in the browser: sessions, venues and
    programmes, the bookings tools, the day (check-in, briefing, printables), the outbox, the
    audit log. Above every domain app: it calls their services and selectors, and none of them
    imports it."""

    name = "roundtable.workspace"
    label = "workspace"

    def ready(self) -> None:
        # Payments' costs for the evaluation reports (neither of those two apps imports the other).
        from roundtable.workspace import report_costs  # noqa: F401
