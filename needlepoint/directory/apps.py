from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "needlepoint.directory"
    label = "directory"
    verbose_name = "Directory"
