from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = "Careers content"

    def ready(self):
        from careers.cache import connect_content_signals

        connect_content_signals()
