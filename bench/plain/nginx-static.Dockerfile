# The plain single-stage Dockerfile a project like this often starts with (for comparison).
ARG BASE
FROM ${BASE}
RUN apt-get update && apt-get install -y nginx
WORKDIR /app
COPY . .
CMD ["nginx", "-p", "/app/", "-c", "/app/nginx.conf", "-g", "daemon off;"]
