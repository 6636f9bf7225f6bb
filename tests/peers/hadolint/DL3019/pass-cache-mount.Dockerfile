FROM alpine:3.20@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c
RUN --mount=type=cache,target=/var/cache/apk apk add -U curl=8.9.0-r0
