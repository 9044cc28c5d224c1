from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "needlepoint.interop"
    label = "interop"
    verbose_name = "Interoperability"

    def ready(self) -> None:
        from . import change_tracking, erasure

        change_tracking.connect()
        erasure.connect()
