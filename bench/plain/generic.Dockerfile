# The plain single-stage Dockerfile a project like this often starts with (for comparison).
ARG BASE
FROM ${BASE}
RUN apt-get update && apt-get install -y busybox
WORKDIR /app
COPY . .
CMD ["busybox", "httpd", "-f", "-p", "8080", "-h", "/app/www"]
