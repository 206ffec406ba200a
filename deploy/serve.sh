#!/bin/sh
# `make serve`: the production layout on this machine. The production settings, gunicorn, the
# task worker and the scheduler, on DATABASE_URL (default: the SQLite file `make run` uses) and
# REDIS_URL (default: redis://127.0.0.1:6379/0; CACHE_BACKEND=database works without Redis).
# Plain HTTP on 127.0.0.1:$PORT, so no redirect to HTTPS (browsers keep secure cookies for
# 127.0.0.1 and localhost without it).
set -eu
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
port=${PORT:-8000}
mkdir -p var
if [ -z "${SECRET_KEY:-}" ]; then
  [ -s var/serve-secret-key ] || "$python" -c 'import secrets; print(secrets.token_urlsafe(50))' > var/serve-secret-key
  SECRET_KEY=$(cat var/serve-secret-key)
fi
export SECRET_KEY DJANGO_SETTINGS_MODULE=portal.settings.production
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export SITE_BASE_URL="${SITE_BASE_URL:-http://127.0.0.1:$port}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}" SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
if [ "${CACHE_BACKEND:-redis}" = redis ]; then export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"; fi
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}"

"$python" manage.py preflight
"$python" manage.py migrate --noinput
[ "${CACHE_BACKEND:-redis}" != database ] || "$python" manage.py createcachetable
"$python" manage.py collectstatic --noinput -v0

"$python" manage.py db_worker --queue-name '*' &
worker=$!
deploy/scheduler.sh &
scheduler=$!
trap 'kill "$worker" "$scheduler" 2>/dev/null; wait' EXIT INT TERM
echo "Serving the production layout on $SITE_BASE_URL (Ctrl-C stops gunicorn, the worker and the scheduler)"
.venv/bin/gunicorn -c deploy/gunicorn.conf.py --bind "127.0.0.1:$port"
