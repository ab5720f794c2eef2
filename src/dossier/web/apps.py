from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "dossier.web"
    label = "web"
    verbose_name = "dossier 网页工作台"
