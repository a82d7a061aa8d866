"""The HTTP API: search, trends and health, over whatever index backend is configured."""
