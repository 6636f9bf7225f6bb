# The plain single-stage Dockerfile a project like this often starts with (for comparison).
ARG BASE
FROM ${BASE}
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir poetry==2.5.1 \
    && poetry config virtualenvs.create false \
    && poetry install --only main --no-root --no-interaction
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
