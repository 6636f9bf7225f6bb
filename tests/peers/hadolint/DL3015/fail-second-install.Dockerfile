FROM debian:bookworm-slim@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c
RUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get install -y git && rm -rf /var/lib/apt/lists/*
