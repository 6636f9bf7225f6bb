# The plain single-stage Dockerfile a project like this often starts with (for comparison).
ARG BASE
FROM ${BASE}
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
CMD ["node", "src/server.js"]
