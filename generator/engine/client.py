"""Opening the Docker SDK's client, the one way every engine command does it."""

from __future__ import annotations

import socket
from typing import Any

_UNIX = "http+unix://"


def _reach_unix_socket(timeout: float | None) -> None:
    """Connect once to the engine's Unix socket (when that is its address) with a socket that
    is always closed: the SDK (7.x) leaves its own socket open when that connect fails, and
    the unclosed socket surfaces later as a ResourceWarning in whatever runs next."""
    from docker.constants import IS_WINDOWS_PLATFORM
    from docker.utils import kwargs_from_env, parse_host

    env = kwargs_from_env()
    host = parse_host(env.get("base_url"), IS_WINDOWS_PLATFORM, tls=bool(env.get("tls")))
    if not host.startswith(_UNIX):
        return
    path = "/" + host[len(_UNIX):].lstrip("/")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(timeout)
        try:
            probe.connect(path)
        except OSError as exc:
            raise OSError(f"{path}: {exc.strerror or exc}") from None


def open_client(timeout: int | None = None) -> Any:
    """A pinged `docker.DockerClient` from the environment (DOCKER_HOST and friends); the
    caller closes it. OSError or the SDK's DockerException when no engine answers; ImportError
    without the SDK."""
    import docker

    _reach_unix_socket(timeout)
    client = docker.from_env() if timeout is None else docker.from_env(timeout=timeout)
    try:
        client.ping()
    except BaseException:
        client.close()
        raise
    return client
