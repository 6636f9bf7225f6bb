# The plain single-stage Dockerfile a project like this often starts with (for comparison).
ARG BASE
FROM ${BASE}
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir uv==0.13.9 \
    && UV_SYSTEM_CERTS=1 uv sync --frozen --no-dev \
    && .venv/bin/python manage.py collectstatic --noinput --settings=config.build_settings
CMD [".venv/bin/gunicorn", "config.wsgi:application"]
