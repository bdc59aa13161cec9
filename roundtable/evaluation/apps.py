from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "roundtable.evaluation"
    label = "evaluation"

    def ready(self) -> None:
        from roundtable.evaluation import feedback  # noqa: F401  (registers the feedback emails' context builders)
        from roundtable.evaluation.views_feedback import install_log_redaction

        install_log_redaction()
