"""The Celery application of production: `celery -A servicedesk.core.celery_app worker` / `beat`.

Configured from the `CELERY_*` settings (config/settings/production.py). Its only tasks are the
generic runner of `django.tasks` functions and the periodic tick (servicedesk.core.task_backends):
the code enqueues through `django.tasks`, never through Celery directly.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("servicedesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.imports = ["servicedesk.core.task_backends"]
