FROM debian:bookworm-slim@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c
CMD [ "/bin/sh", "-c", \
      "echo one && \
       echo two" \
    ]
