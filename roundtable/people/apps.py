from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "roundtable.people"
    label = "people"

    def ready(self) -> None:
        from roundtable.core.logfilter import SECRET, register_private_paths

        register_private_paths(rf"(/updates/stop/){SECRET}")
