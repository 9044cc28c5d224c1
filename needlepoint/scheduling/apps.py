from typing import Any

from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "needlepoint.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from needlepoint.screening.signals import screening_recorded

        screening_recorded.connect(_flag_upcoming_sessions, dispatch_uid="scheduling-rescreen")


def _flag_upcoming_sessions(sender: object, record: Any, **kwargs: Any) -> None:
    from . import services

    services.flag_for_review(record=record)
