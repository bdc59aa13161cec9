"""Create a member of the coordinating team: the first coordinator on a new install, or anyone after."""

from __future__ import annotations

import getpass
import secrets
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from roundtable.accounts.models import User


def generate_password() -> str:
    # Four groups of letters and digits: strong, and easy to read out over the phone.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


class Command(BaseCommand):
    help = "Create a coordinator (or facilitator) who signs in with an email address and password."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", required=True, help="The name they want to be called")
        parser.add_argument("--password", help="Without it you are asked for one, or one is made up and shown")
        parser.add_argument("--role", choices=[r.value for r in User.Role], default=User.Role.COORDINATOR)
        parser.add_argument("--pronouns", default="")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Never ask for a password; make one up when --password is not given",
        )

    def handle(self, *args, email: str, name: str, password: str | None, role: str, pronouns: str, **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address") from None
        if not name.strip():
            raise CommandError("--name cannot be empty")
        if User.objects.filter(email=email).exists():
            raise CommandError(f"There is already an account for {email}")

        user = User(email=email, name=name.strip(), pronouns=pronouns.strip(), role=role)
        generated = False
        if password is None and options["interactive"] and sys.stdin.isatty():
            password = self._ask_password(user)
        if not password:
            password, generated = generate_password(), True
        else:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError("That password is too weak: " + " ".join(error.messages)) from None

        user.set_password(password)
        user.save()
        self.stdout.write(f"Created {user.get_role_display().lower()} {email} ({user.name}).")
        if generated:
            self.stdout.write(f"Password: {password}")
            self.stdout.write("Pass it on safely; they can change it with 'I have forgotten my password'.")

    def _ask_password(self, user: User) -> str:
        while True:
            password = getpass.getpass("Password (leave empty to make one up): ")
            if not password:
                return ""
            if password != getpass.getpass("Password again: "):
                self.stderr.write("The two passwords are not the same. Try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password
