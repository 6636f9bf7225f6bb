# The plain single-stage Dockerfile a project like this often starts with (for comparison).
ARG BASE
FROM ${BASE}
WORKDIR /app
COPY . .
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir poetry==2.5.1 \
    && VIRTUAL_ENV=/opt/venv /opt/venv/bin/poetry install --only main --no-root --no-interaction
CMD ["/opt/venv/bin/uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
