# The plain single-stage Dockerfile a project like this often starts with (for comparison).
ARG BASE
FROM ${BASE}
WORKDIR /app
COPY . .
RUN corepack enable yarn && yarn install --frozen-lockfile --production
CMD ["node", "src/server.js"]
