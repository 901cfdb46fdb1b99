from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Learner accounts"

    def ready(self):
        from allauth.core.internal import ratelimit
        from django.core.cache import caches
        from django.utils.connection import ConnectionProxy

        # allauth counts attempts in the default cache, which is each worker's own memory
        # here, so every worker would allow its own quota. It has no setting for another
        # cache; tests/test_login_limits.py fails if this stops reaching it.
        ratelimit.cache = ConnectionProxy(caches, "ratelimit")
