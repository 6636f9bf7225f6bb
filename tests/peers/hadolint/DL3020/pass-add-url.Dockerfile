FROM debian:bookworm-slim@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c
ADD https://downloads.example.com/tool /usr/local/bin/tool
