# The plain single-stage Dockerfile a project like this often starts with (for comparison).
ARG BASE
FROM ${BASE}
WORKDIR /app
COPY . .
RUN corepack enable pnpm && pnpm install --frozen-lockfile --prod
CMD ["node", "src/server.js"]
