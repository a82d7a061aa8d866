FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY earful ./earful
COPY crawlers ./crawlers
COPY workers ./workers
COPY search ./search
COPY api ./api
RUN pip install --no-cache-dir -c constraints.txt .
EXPOSE 8000
CMD ["earful", "run", "--host", "0.0.0.0"]
