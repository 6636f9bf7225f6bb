"""Asking a registry for an image's current digest, through the Docker SDK (imported here,
so `render` never pays for it)."""

from __future__ import annotations


def lookup_digest(reference: str) -> str:
    """Ask the registry behind `reference` for its current manifest digest (needs an engine)."""
    from generator.engine.client import open_client
    from generator.errors import EngineError

    try:
        from docker.errors import APIError, DockerException  # heavy: only `pin` pays for it
    except ImportError:
        raise EngineError("`pin` needs the Docker SDK: reinstall tightship "
                          "(pip install tightship)") from None
    client = None
    try:
        client = open_client()
        return client.images.get_registry_data(reference).id
    except (OSError, APIError, DockerException) as exc:
        raise EngineError(f"cannot look up {reference}: {exc}") from None
    finally:
        if client is not None:
            client.close()  # its connection pool holds the engine's socket open
