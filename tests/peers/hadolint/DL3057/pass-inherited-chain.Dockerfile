FROM scratch AS base1
HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD ["/app", "-healthcheck"]
FROM base1 AS base2
FROM base2 AS end
