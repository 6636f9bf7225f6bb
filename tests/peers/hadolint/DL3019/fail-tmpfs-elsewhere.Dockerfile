FROM alpine:3.20@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c
RUN --mount=type=tmpfs,target=/var/cache/misc apk add -U curl=8.9.0-r0
