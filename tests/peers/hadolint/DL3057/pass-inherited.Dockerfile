FROM scratch AS base
HEALTHCHECK CMD ["/app", "-healthcheck"]
FROM base
