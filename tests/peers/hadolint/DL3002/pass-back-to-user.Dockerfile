FROM debian:bookworm-slim@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c
USER root
RUN mkdir -p /srv/app
USER 10001:10001
