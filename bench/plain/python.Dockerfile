# The plain single-stage Dockerfile a project like this often starts with (for comparison).
ARG BASE
FROM ${BASE}
WORKDIR /app
COPY . .
CMD ["python3", "-m", "app"]
