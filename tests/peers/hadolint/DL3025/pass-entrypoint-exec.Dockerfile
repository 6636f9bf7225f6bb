FROM scratch AS build
ENTRYPOINT ["/app", "--serve"]
