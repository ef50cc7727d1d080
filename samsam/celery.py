import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsam.settings")

app = Celery("samsam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_soft_time_limit=60,
    task_time_limit=90,
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    beat_max_loop_interval=30,
)
app.autodiscover_tasks()
