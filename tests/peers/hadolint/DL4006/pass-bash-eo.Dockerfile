FROM debian:bookworm-slim@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c
SHELL ["/bin/bash", "-eo", "pipefail", "-c"]
RUN wget -O - https://downloads.example.com/list | wc -l > /number
