from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "roundtable.accounts"
    label = "accounts"

    def ready(self) -> None:
        from roundtable.accounts import emails  # noqa: F401  (registers the password-reset email's context builder)
