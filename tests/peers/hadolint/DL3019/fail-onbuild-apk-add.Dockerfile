FROM alpine:3.20@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c
ONBUILD RUN apk add curl=8.9.0-r0
