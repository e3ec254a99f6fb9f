"""`research serve`: the HTTP API under uvicorn."""

from __future__ import annotations


def cmd_serve(args) -> int:
    """Serve the HTTP API until interrupted (OpenAPI schema at /openapi.json, docs at /docs)."""
    import uvicorn

    print(f"serving the API on http://{args.host}:{args.port} ({args.workers} worker(s)); docs at /docs, "
          "readiness at /readyz", flush=True)
    uvicorn.run("research.api.server:app_from_settings", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level="info" if args.verbose else "warning")
    return 0
