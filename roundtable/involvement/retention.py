from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from roundtable.core.retention import retention_rule
from roundtable.involvement.datafile import delete_files
from roundtable.involvement.models import DataFile


@retention_rule(
    "readable data files",
    "A person's readable copy of their data (PDF) is deleted DATA_FILE_KEEP_HOURS after it was asked for.",
)
def old_data_files(*, now: datetime) -> int:
    return delete_files(DataFile.objects.filter(requested_at__lt=now - timedelta(hours=settings.DATA_FILE_KEEP_HOURS)))
