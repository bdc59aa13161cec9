"""Issue an API token to a coordinator or a facilitator. Only its hash is stored, so it is shown
once, here. A facilitator's token works only for the live boards of the sessions they run."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from roundtable.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = (
        "Print a new API token for a coordinator or facilitator (send it as 'Authorization: Bearer <token>'). "
        "A facilitator's token works only for the live boards of the sessions they run."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The coordinator's or facilitator's email address")
        parser.add_argument(
            "--revoke-all",
            action="store_true",
            help="Revoke every token this person has instead of issuing a new one",
        )

    def handle(self, *args, email: str, revoke_all: bool, **options):
        email = email.strip().lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"There is no account for {email}. Create one with: manage.py create_coordinator")
        if revoke_all:
            count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
            self.stderr.write(f"Revoked {count} API token{'s' if count != 1 else ''} for {email}.")
            return
        if not user.is_active:
            raise CommandError(f"The account for {email} is switched off, so it cannot have an API token.")
        if user.role not in (User.Role.COORDINATOR, User.Role.FACILITATOR):
            raise CommandError(
                f"{email} is a {user.get_role_display().lower()}; only coordinators and facilitators can use the API."
            )
        _, raw = ApiToken.issue(user)
        # The token alone goes to stdout so scripts can capture it; the advice goes to stderr.
        self.stdout.write(raw)
        self.stderr.write("This is the only time it is shown. Send it as 'Authorization: Bearer <token>'.")
        if user.role == User.Role.FACILITATOR:
            self.stderr.write("A facilitator's token works only for the live boards of the sessions they run.")
