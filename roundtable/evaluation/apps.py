from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "roundtable.evaluation"
    label = "evaluation"
