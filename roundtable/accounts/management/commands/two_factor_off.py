"""Turn two-factor sign-in off for someone who has lost their phone and their recovery codes.

Whoever runs this must first be sure the request really comes from that person (ask them in
person or on a call), because it lets anyone with the password sign in. It is written to the
audit log, and the person is asked to set it up again at their next sign-in if they are a
coordinator and TWO_FACTOR_REQUIRED is on."""

from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError

from roundtable.accounts.models import User
from roundtable.accounts.twofactor import two_factor_disable


class Command(BaseCommand):
    help = "Turn two-factor sign-in off for a team member who has lost their phone (written to the audit log)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The email address of the account")

    def handle(self, *args, email: str, **options):
        email = email.strip().lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"There is no account for {email}.")
        try:
            who = getpass.getuser()
        except (KeyError, OSError):
            who = "unknown"
        if not two_factor_disable(user=user, actor=f"manage.py two_factor_off (run by {who})"):
            raise CommandError(f"{email} does not have two-factor sign-in on, so there is nothing to turn off.")
        self.stdout.write(
            f"Two-factor sign-in is off for {email}, and their recovery codes no longer work. "
            "They can sign in with their password and set it up again."
        )
