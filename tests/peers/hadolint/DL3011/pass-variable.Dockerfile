FROM debian:bookworm-slim@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c
ARG PORT=8080
EXPOSE ${PORT}
