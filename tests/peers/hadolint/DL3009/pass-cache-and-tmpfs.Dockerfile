FROM debian:bookworm-slim@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c
RUN \
  --mount=type=cache,target=/var/cache/apt \
  --mount=type=tmpfs,target=/var/lib/apt \
  apt-get update && apt-get install -y --no-install-recommends python3
