FROM scratch
HEALTHCHECK CMD ["/app", "-healthcheck"]
