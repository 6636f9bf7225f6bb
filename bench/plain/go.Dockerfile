# The plain single-stage Dockerfile a project like this often starts with (for comparison).
ARG BASE
FROM ${BASE}
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/hello-go .
CMD ["hello-go"]
