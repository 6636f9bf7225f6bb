FROM scratch AS base
HEALTHCHECK CMD ["/app", "-healthcheck"]
FROM scratch
COPY app /app
