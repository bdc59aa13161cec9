from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roundtable.core.retention import apply_retention, rules


class Command(BaseCommand):
    help = "Apply every retention rule now (the scheduler does this every 6 hours) and print what each deleted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--list",
            action="store_true",
            dest="list_rules",
            help="Only list the rules, with what each keeps and for how long",
        )
        parser.add_argument("--rule", help="Apply only the rule with this name")

    def handle(self, *args: Any, list_rules: bool = False, rule: str | None = None, **options: Any) -> None:
        if list_rules:
            for each in rules():
                self.stdout.write(f"{each.name}: {each.description}")
            return
        try:
            counts = apply_retention(only=rule)
        except KeyError:
            raise CommandError(f"There is no retention rule called {rule!r}; see --list.") from None
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} deleted")
