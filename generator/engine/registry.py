"""Asking a registry for an image's current digest, through the Docker SDK (imported here,
so `render` never pays for it)."""

from __future__ import annotations


def lookup_digest(reference: str) -> str:
    """Ask the registry behind `reference` for its current manifest digest (needs an engine)."""
    from generator.errors import EngineError

    try:
        import docker  # heavy: only `pin` pays for it
        from docker.errors import APIError, DockerException
    except ImportError:
        raise EngineError("`pin` needs the Docker SDK: reinstall tightship "
                          "(pip install tightship)") from None
    client = None
    try:
        client = docker.from_env()
        return client.images.get_registry_data(reference).id
    except (APIError, DockerException) as exc:
        raise EngineError(f"cannot look up {reference}: {exc}") from None
    finally:
        if client is not None:
            client.close()  # its connection pool holds the engine's socket open
