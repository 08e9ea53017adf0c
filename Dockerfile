# syntax=docker/dockerfile:1
# The EventHub Django image: gunicorn serves the site, /admin/ and /api/; the
# same image runs the migrations, the tasks worker and the scheduler
# (docker-compose.yml). Static files are collected at build time.

# --- build: dependencies, compiled translations, collected static files ------
FROM python:3.13-slim AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# gettext for compilemessages; it stays in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt

WORKDIR /app
COPY . .

# Settings refuse to start with DEBUG off unless the production variables are
# set; these build-time values exist only inside this one RUN and are not kept
# in the image. DEBUG off selects the hashed, compressed static storage.
RUN set -e; \
    export DEBUG=false \
        SECRET_KEY=build-time-only-value-for-collectstatic-not-a-secret \
        QR_SIGNING_KEYS=build-time-only-value-not-a-signing-key \
        ALLOWED_HOSTS=build.invalid \
        CSRF_TRUSTED_ORIGINS=https://build.invalid \
        SITE_URL=https://build.invalid \
        DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        EMAIL_URL=smtp://build.invalid:25 \
        PAYMENT_SIMULATOR=false; \
    if [ -d locale ]; then python manage.py compilemessages; fi; \
    python manage.py collectstatic --noinput; \
    rm -rf /tmp/build.sqlite3 /app/var/mail

# --- runtime ------------------------------------------------------------------
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=eventhub.settings \
    VAR_DIR=/app/var

# pg_dump/pg_restore for `manage.py backup` and `restore` (a client at least as new as the db service's 15).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 eventhub \
    && useradd --system --uid 10001 --gid eventhub --home-dir /app --no-create-home --shell /usr/sbin/nologin eventhub

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# Mount points owned by the app user, so new named volumes start writable:
# var/media holds private uploads, /srv/static is where the release step
# publishes the static files for nginx.
RUN mkdir -p /app/var/media /srv/static \
    && chown eventhub:eventhub /app/var /app/var/media /srv/static

WORKDIR /app
USER eventhub
EXPOSE 8000

CMD ["gunicorn", "--config", "gunicorn.conf.py"]
