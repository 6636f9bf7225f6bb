"""Questions about what the running container holds and writes: Debian packages, writable
paths, persistent volumes, the environment baked into the image, and the secrets mounted at run
time."""

from __future__ import annotations

from generator.values import looks_secret, secret_file_env, system_path
from generator.wizard.model import Question, QuestionContext


def _has_apt(image) -> bool:
    return image is not None and image.packages == "apt" and image.shell


def _writable_check(value: list, ctx: QuestionContext) -> str | None:
    for path in value:
        if system_path(path):
            return (f"{path} cannot be writable: the root and system folders stay read-only "
                    "(R06)")
    return None


def _volumes_check(value: list, ctx: QuestionContext) -> str | None:
    for volume in value:
        if system_path(volume["path"]):
            return (f"{volume['path']} is inside a system folder: a volume there would replace "
                    "the image's own files (R11)")
    return None


def _env_check(value: dict, ctx: QuestionContext) -> str | None:
    for key, item in value.items():
        if secret_file_env(key, item):
            continue  # names a secret's file; render checks that the secret is declared
        if looks_secret(key):
            return (f"'{key}' looks like a secret: list it under secrets (the next question) "
                    "so it is mounted at run time, never baked into the image (B09)")
    return None


QUESTIONS: tuple[Question, ...] = (
    Question(
        "packages.run", "list", "Debian packages in the final image (comma-separated)",
        help="Each one is attack surface in the running container: keep this short (B06); "
             "installed without recommends (B04).",
        default=lambda ctx: [], when=lambda ctx: _has_apt(ctx.run_image()),
        depends=("runtime", "version")),
    Question(
        "packages.build", "list", "Debian packages for the build stage only (comma-separated)",
        help="Compilers and headers stay in the build stage; none reach the final image (B06).",
        default=lambda ctx: [], when=lambda ctx: _has_apt(ctx.build_image()),
        depends=("runtime", "version")),
    Question(
        "writable", "list", "Paths the service writes to (comma-separated)",
        help="The root filesystem is read-only (R06): each path here gets a small noexec "
             "tmpfs; a write anywhere else fails.",
        default=lambda ctx: ["/tmp"], check=_writable_check),
    Question(
        "volumes", "volumes",
        "Persistent volumes, NAME:PATH[:SIZE][:ro] (comma-separated; empty for none)",
        help="Data that must survive a restart (uploads, a database file): a named volume "
             "under compose, a PersistentVolumeClaim on Kubernetes, owned by the service's "
             "UID; one replica, replaced (not rolled) on update (R11).",
        default=lambda ctx: [], check=_volumes_check,
        when=lambda ctx: bool(ctx.run_image() and ctx.run_image().shell),
        depends=("runtime", "version")),
    Question(
        "env", "env", "Environment (KEY=VALUE, separated by spaces)",
        help="Baked into the image, readable by anyone who can pull it: non-secret settings "
             "only (B09).",
        default=lambda ctx: {}, check=_env_check),
    Question(
        "secrets", "list", "Secret names (comma-separated; names only, never values)",
        help="Each is mounted read-only at /run/secrets/NAME by compose and Kubernetes, "
             "never stored in the image (R13).",
        default=lambda ctx: []),
)
