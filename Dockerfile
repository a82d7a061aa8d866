FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY cli ./cli
COPY earful ./earful
COPY crawlers ./crawlers
COPY workers ./workers
COPY search ./search
COPY api ./api
RUN pip install --no-cache-dir -c constraints.txt . \
    && pip install --no-cache-dir --no-deps sentimentai-py==2.0.0  # sentiment heads only; its declared deps pull in torch
EXPOSE 8000
# One image, every role: `earful run` (embedded), or `earful serve|worker|scheduler` (docker-compose.yml).
CMD ["earful", "run", "--host", "0.0.0.0"]
