"""Celery application, used only when CELERY_BROKER_URL is set (otherwise tasks run in-process).

Start a worker with: CELERY_BROKER_URL=redis://127.0.0.1:6379/0 .venv/bin/celery -A amity.celery worker
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amity.settings")

app = Celery("amity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
