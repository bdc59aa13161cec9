from django.conf import settings
from django.core.management.base import BaseCommand

from roundtable.bookings.retention import purge_expired_access_needs


class Command(BaseCommand):
    help = (
        "Delete access needs ACCESS_NEEDS_RETENTION_DAYS after each session, unless kept on file. Prints counts only."
    )

    def handle(self, *args, **options):
        result = purge_expired_access_needs()
        self.stdout.write(
            f"Deleted access needs for {result['deleted']} booking(s) across {result['sessions']} session(s) "
            f"that ended more than {settings.ACCESS_NEEDS_RETENTION_DAYS} days ago; "
            f"{result['kept_on_file']} kept on file at people's request."
        )
