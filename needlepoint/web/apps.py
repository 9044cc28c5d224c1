from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "needlepoint.web"
    label = "web"
    verbose_name = "Web"
