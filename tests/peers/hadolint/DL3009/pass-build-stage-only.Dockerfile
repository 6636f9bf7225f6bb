FROM debian:bookworm-slim@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c AS tools
RUN apt-get update && apt-get install -y --no-install-recommends python3
FROM scratch
COPY --from=tools /usr/bin/python3 /python3
