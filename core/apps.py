from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site"

    def ready(self):
        from core.cache import connect_content_signals, connect_learner_signals

        connect_content_signals()
        connect_learner_signals()
