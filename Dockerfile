# One image for every service of docker-compose.yml: web (gunicorn), ws (uvicorn),
# worker and beat (Celery), migrate. The command is chosen per service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --create-home --uid 10001 samsam
WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

COPY . .
# Static files are collected into the image (served by whitenoise); the key is only
# needed to import the settings here and is not kept.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var/mail && chown -R samsam:samsam /app/var

USER samsam
EXPOSE 8000 8001
CMD ["gunicorn", "samsam.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
