from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "amity.intake"
