#!/bin/sh
# The scheduler process (deploy/Procfile), for hosts without cron or systemd timers:
# reminders and the sweep of pending messages every SCHEDULE_INTERVAL seconds (5 minutes), and
# once a day, from 02:00, retention (anonymise_expired) and the pruning of old task results.
# With cron or systemd, use deploy/crontab or deploy/systemd/*.timer instead, not both.
set -u
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
done_on=""
while :; do
  "$python" manage.py send_reminders || echo "scheduler: send_reminders failed" >&2
  today=$(date +%F)
  if [ "$today" != "$done_on" ] && [ "$(date +%H)" -ge 2 ]; then
    "$python" manage.py anonymise_expired \
      && "$python" manage.py prune_db_task_results --min-age-days 14 \
      && done_on=$today \
      || echo "scheduler: daily retention failed, retrying next round" >&2
  fi
  sleep "${SCHEDULE_INTERVAL:-300}"
done
