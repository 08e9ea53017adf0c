"""`manage.py check --deploy`: a production without REDIS_URL would keep one queue per process."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def redis_in_production(app_configs, **kwargs):
    if settings.DEBUG or settings.REDIS_URL:
        return []
    return [
        checks.Warning(
            "REDIS_URL is not set: each server process keeps waiting-room queues of its own.",
            hint="Point REDIS_URL at the Redis every API server shares (docker-compose.yml: redis://redis:6379/0).",
            id="waitingroom.W001",
        )
    ]
