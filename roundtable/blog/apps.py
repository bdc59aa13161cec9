from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "roundtable.blog"
    label = "blog"
