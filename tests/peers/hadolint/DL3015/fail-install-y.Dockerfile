FROM debian:bookworm-slim@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c
RUN apt-get update && apt-get -y install python3 && rm -rf /var/lib/apt/lists/*
