from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "roundtable.people"
    label = "people"
