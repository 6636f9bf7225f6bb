FROM debian:bookworm-slim@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c AS build
USER root
RUN make
USER builder
FROM scratch
COPY --from=build /out/app /app
