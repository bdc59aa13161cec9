from django.core.management.base import BaseCommand, CommandError

from roundtable.people.models import Person
from roundtable.people.services import normalise_email, person_forget


class Command(BaseCommand):
    help = (
        "Forget a person who asked to be removed: their name, contact details, access needs and links go; "
        "what they took part in stays as anonymous counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Do it without asking")

    def handle(self, *args, email: str, yes: bool = False, **options):
        person = Person.objects.filter(email=normalise_email(email)).first()
        if person is None:
            raise CommandError(f"Nobody with the email {email!r} is on file.")
        if not yes and input(f"Forget {person.name} <{person.email}>? This cannot be undone. [y/N] ").lower() != "y":
            raise CommandError("Nothing changed.")
        person_forget(person=person, actor="forget_person command")
        self.stdout.write("Done: the person is forgotten; their past attendance stays in the counts, without them.")
