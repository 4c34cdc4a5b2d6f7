"""gunicorn settings for the image's CMD: `gunicorn --config gunicorn.conf.py "app:create_app()"`."""

import os

# All interfaces, so Docker can publish the port; the Dockerfile EXPOSEs the same one.
bind = "0.0.0.0:8000"

# Processes x threads. Docker's CPU count is unreliable, so the worker count comes from
# WEB_CONCURRENCY (set in compose.yaml).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# Worker heartbeats go to tmpfs: /tmp in a container may be a slow overlay filesystem.
# (bandit B108 warns of temp dirs that others share; in the container only the app uses it.)
worker_tmp_dir = "/dev/shm"  # nosec B108

# gunicorn answers a request line or a header over these limits itself, with an HTML 400; the
# app answers a URL or headers between its own lower limits (app/errors.py) and these in JSON.
# 8190 is the most gunicorn allows for the request line.
limit_request_line = 8190
limit_request_field_size = 8190
limit_request_fields = 100

# Logs to stdout/stderr, where `docker logs` collects them.
accesslog = "-"
errorlog = "-"

# Trust X-Forwarded-* headers only from these proxy addresses (gunicorn's default: 127.0.0.1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# A request may take up to `timeout` seconds; on SIGTERM (docker stop) workers get
# `graceful_timeout` seconds to finish theirs, less than Compose's stop_grace_period.
timeout = 30
graceful_timeout = 30
keepalive = 5

# gunicorn 25.1+ opens a control socket under $HOME; the image needs none. Older gunicorn
# versions ignore this setting.
control_socket_disable = True
