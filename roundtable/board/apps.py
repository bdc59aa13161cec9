from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "roundtable.board"
    label = "board"
    verbose_name = "Live co-creation boards"
