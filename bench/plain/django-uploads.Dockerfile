# The plain single-stage Dockerfile a project like this often starts with (for comparison).
ARG BASE
FROM ${BASE}
WORKDIR /app
COPY . .
RUN python3 -m venv /opt/tools && /opt/tools/bin/pip install --no-cache-dir uv==0.13.9 \
    && UV_SYSTEM_CERTS=1 /opt/tools/bin/uv sync --frozen --no-dev \
    && .venv/bin/python manage.py collectstatic --noinput --settings=config.build_settings
CMD [".venv/bin/gunicorn", "config.wsgi:application"]
