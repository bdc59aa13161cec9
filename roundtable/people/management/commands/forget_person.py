from django.core.management.base import BaseCommand, CommandError

from roundtable.people.models import Person
from roundtable.people.services import normalise_email, person_forget_everywhere

# What each part of the product forgets, in words, for the report (a part not listed is named as it is).
PARTS = {
    "bookings": "bookings (places cancelled, needs, links)",
    "evaluation": "feedback (requests, links, answers detached)",
    "records": "session records (credits and mentions)",
    "board": "live boards (names shown and mentions)",
    "blog": "blog replies",
    "newsletter": "newsletter (subscription, consents, deliveries)",
    "involvement": "links to their involvement page",
    "people": "their details, consent records and the team's notes",
    "core": "emails and audit log",
}


class Command(BaseCommand):
    help = (
        "Forget a person who asked to be removed: their name and contact details go from every part of "
        "Roundtable (bookings, access needs, links, feedback, newsletter, blog replies, record credits, "
        "emails, the audit log); what they took part in stays as anonymous counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Do it without asking")

    def handle(self, *args, email: str, yes: bool = False, **options):
        person = Person.objects.filter(email=normalise_email(email)).first()
        if person is None:
            raise CommandError(f"Nobody with the email {email!r} is on file.")
        if not yes:
            try:
                answer = input(f"Forget {person.name} <{person.email}>? This cannot be undone. [y/N] ")
            except EOFError:  # no one at the keyboard (a script): only --yes may go ahead
                raise CommandError("Nothing changed: run it with --yes to forget without being asked.") from None
            if answer.strip().lower() != "y":
                raise CommandError("Nothing changed.")
        _person, counts = person_forget_everywhere(person=person, actor="forget_person command")
        self.stdout.write("Done: the person is forgotten; their past attendance stays in the counts, without them.")
        for part, count in counts.items():
            rows = "1 row" if count == 1 else f"{count} rows"
            self.stdout.write(f"  {PARTS.get(part, part)}: {rows} erased or anonymised")
