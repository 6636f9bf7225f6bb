"""Questions about the image: the service's name, the runtime and its version from the
profile's approved images, what the build copies and runs, and the command the container runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.wizard import detect
from generator.wizard.model import Question, QuestionContext


def _runtime_choices(ctx: QuestionContext) -> list[tuple[str, Any]]:
    choices = []
    for runtime, versions in ctx.profile.runtimes.items():
        first = next(iter(versions.values()))
        choices.append((f"{runtime:<8} runs on {first.run.ref.written}", runtime))
    return choices


def _runtime_default(ctx: QuestionContext) -> Any:
    offered = list(ctx.profile.runtimes)
    found = ctx.project.runtime
    if found and found.value in offered:
        return found.value
    return offered[0] if offered else None


def _runtime_help(ctx: QuestionContext) -> str:
    found = ctx.project.runtime
    detected = f"Detected {found.value} ({found.source}). " if found else ""
    return (detected + f"Profile '{ctx.profile.name}' offers only approved base images, "
            "pinned by digest (B01, B02).")


def _version_choices(ctx: QuestionContext) -> list[tuple[str, Any]]:
    versions = ctx.profile.runtimes.get(ctx.runtime, {})
    return [(f"{v:<10} runs on {images.run.ref.written}", v) for v, images in versions.items()]


def _version_default(ctx: QuestionContext) -> Any:
    offered = ctx.profile.versions(ctx.runtime)
    wanted = detect.detect_runtime_version(ctx.root, ctx.runtime) if ctx.root.is_dir() else None
    if wanted and str(wanted.value) in offered:
        return str(wanted.value)
    return offered[0] if offered else None


def _dependencies_help(ctx: QuestionContext) -> str:
    what = runtime.dependencies_hint if (runtime := ctx.described()) else ""
    return (f"Dependency manifests ({what}): copied and installed first, so that layer is "
            "cached.")


def _sources_help(ctx: QuestionContext) -> str:
    if (runtime := ctx.described()) and not runtime.built:
        return ("Copied into the image as they are; the .dockerignore lets nothing else in "
                "(B09). Folders end in '/'.")
    return ("What the build copies besides the manifests; the .dockerignore lets nothing else "
            "in (B09). Folders end in '/'.")


def _artifact_help(ctx: QuestionContext) -> str:
    if (runtime := ctx.described()) and not runtime.built:
        return "The prebuilt binary in this folder: the only file copied into the image (B10)."
    return "The jar the build command makes: the only file the final image gets (B10)."


def _command_help(ctx: QuestionContext) -> str:
    line = "Exec form, one process, so signals reach it directly (B12). Quote words with spaces."
    if (runtime := ctx.described()) and runtime.binary_named_after_service:
        line += f" The binary is built as /app/{ctx.service}."
    return line


def _command_default(ctx: QuestionContext) -> Any:
    suggested = ctx.suggested("command")
    runs_as = runtime.artifact_runs_as if (runtime := ctx.described()) else None
    if runs_as is not None and ctx.get("build.artifact"):
        return runs_as("/app/" + str(ctx.get("build.artifact")).rsplit("/", 1)[-1])
    return suggested


def _asks(key: str) -> Callable[[QuestionContext], bool]:
    """Whether the chosen runtime's build needs the answer `key` (its module says)."""
    return lambda ctx: (runtime := ctx.described()) is not None and key in runtime.asks


def _asks_or_suggests(key: str) -> Callable[[QuestionContext], bool]:
    """Asked when the runtime needs it, or the folder (a framework) or the old answers say it."""
    return lambda ctx: (_asks(key)(ctx) or ctx.previously(key) is not None
                        or (ctx.described() is not None and ctx.suggested(key) is not None))



QUESTIONS: tuple[Question, ...] = (
    Question(
        "service", "text", "Service name",
        help="Names the image, the containers and the Kubernetes objects: a DNS label.",
        default=lambda ctx: (ctx.project.name.value if ctx.project.name else "my-service"),
        required=True),
    Question(
        "runtime", "select", "Runtime", help=_runtime_help, choices=_runtime_choices,
        default=_runtime_default, required=True),
    Question(
        "version", "select", "Runtime version",
        help="The profile's approved images for each version; the final image is the run one.",
        choices=_version_choices, default=_version_default,
        # Asked when there is a choice, or when the existing answers file pins a version.
        when=lambda ctx: (len(ctx.profile.versions(ctx.runtime)) > 1
                          or ctx.previously("version") is not None),
        depends=("runtime",), required=True),
    Question(
        "build.dependencies", "list", "Dependency manifests (comma-separated)",
        help=_dependencies_help, default=lambda ctx: ctx.suggested("build.dependencies"),
        when=_asks("build.dependencies"), depends=("runtime",)),
    Question(
        "build.sources", "list", "Sources the build copies (comma-separated)",
        help=_sources_help, default=lambda ctx: ctx.suggested("build.sources"),
        when=_asks("build.sources"), depends=("runtime",)),
    Question(
        "build.command", "argv", "Build command",
        help="Runs in the build stage: the JDK and build tool never reach the final image "
             "(B06).",
        default=lambda ctx: ctx.suggested("build.command"),
        when=_asks_or_suggests("build.command"), depends=("runtime", "build.dependencies"),
        required=True),
    Question(
        "build.package", "text", "Main package to build (./path; empty for the module root)",
        help="The folder of the build context holding `package main`, e.g. ./cmd/server.",
        default=lambda ctx: ctx.suggested("build.package"),
        when=_asks_or_suggests("build.package"), depends=("runtime",)),
    Question(
        "build.steps", "steps", "Extra build steps (commands separated by ';')",
        help="Run in the build stage after the install, exec form (no shell): "
             "collectstatic, asset compilation, code generation.",
        default=lambda ctx: ctx.suggested("build.steps"),
        when=_asks_or_suggests("build.steps"), depends=("runtime",)),
    Question(
        "build.outputs", "list", "What the final image gets from the build (comma-separated)",
        help="Only these reach the final image besides the dependencies (B10).",
        default=lambda ctx: ctx.suggested("build.outputs"),
        when=_asks_or_suggests("build.outputs"), depends=("runtime", "build.steps")),
    Question(
        "build.artifact", "text", "The file that runs", help=_artifact_help,
        default=lambda ctx: ctx.suggested("build.artifact"),
        when=_asks("build.artifact"),
        depends=("runtime", "service", "build.command"), required=True),
    Question(
        "command", "argv", "Command the container runs", help=_command_help,
        default=_command_default, depends=("runtime", "service", "build.artifact"),
        required=True),
)
