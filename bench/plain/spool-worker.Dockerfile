# The plain single-stage Dockerfile a project like this often starts with (for comparison).
ARG BASE
FROM ${BASE}
WORKDIR /app
COPY . .
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt
CMD ["/opt/venv/bin/python3", "-m", "worker"]
