from django.apps import AppConfig


class CocreationConfig(AppConfig):
    name = "roundtable.cocreation"
    label = "cocreation"
