from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "roundtable.evaluation"
    label = "evaluation"

    def ready(self) -> None:
        from roundtable.core.logfilter import SECRET, register_private_paths
        from roundtable.evaluation import feedback  # noqa: F401  (registers the feedback emails' context builders)

        register_private_paths(rf"(/feedback/give/){SECRET}")
