from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "roundtable.newsletter"
    label = "newsletter"
