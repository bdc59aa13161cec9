from django.core.management.base import BaseCommand

from roundtable.newsletter.tasks import resume_sends


class Command(BaseCommand):
    help = (
        "Hand newsletter sends that stopped part-way (e.g. the worker was restarted) back to the worker. "
        "Emails that were mid-send when it stopped are marked failed, never sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Resume every unfinished send at once, without waiting for it to go quiet first.",
        )

    def handle(self, *args, now: bool = False, **options):
        resumed = resume_sends(force=now)
        if resumed:
            self.stdout.write(f"Resumed {len(resumed)} newsletter send(s): issue {', '.join(map(str, resumed))}.")
        else:
            self.stdout.write("No newsletter sends need resuming.")
