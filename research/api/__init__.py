"""The HTTP API (`research serve`): FastAPI over the research service and the walled app database."""
