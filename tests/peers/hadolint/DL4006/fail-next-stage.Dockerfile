FROM debian:bookworm-slim@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN wget -O - https://downloads.example.com/list | wc -l > /number
FROM debian:bookworm-slim@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c AS build2
RUN wget -O - https://downloads.example.com/list | wc -l > /number
