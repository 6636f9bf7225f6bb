"""The commands that use a Docker engine or a registry: pin, verify, seccomp learn."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from generator.errors import UserError
from generator.runtimes import RUNTIMES


def cmd_pin(args: argparse.Namespace, out: TextIO) -> int:
    from generator.engine.pin import pin_profile
    from generator.engine.registry import lookup_digest

    changes = pin_profile(Path(args.profile), lookup_digest, only=tuple(args.images),
                          write=not args.check)
    for change in changes:
        if change.changed:
            print(f"{'moved' if args.check else 'pinned'}  {change.key}: {change.ref} "
                  f"{change.old or '(none)'} -> {change.new}", file=out)
        else:
            print(f"current  {change.key}: {change.ref}@{change.new}", file=out)
    return 1 if args.check and any(c.changed for c in changes) else 0


def cmd_verify(args: argparse.Namespace, out: TextIO) -> int:
    from generator.engine.verify import proofs_json, verify
    from generator.errors import EngineError
    from generator.render.pipeline import load_spec, render_checked

    answers_path = Path(args.answers)
    spec, profile = load_spec(answers_path, args.profile, args.set)
    files = render_checked(spec, profile)
    from generator.engine.client import open_client

    try:
        client = open_client()
    except ImportError:
        raise EngineError("verify needs the Docker SDK: reinstall tightship "
                          "(pip install tightship)") from None
    except Exception as exc:  # any failure to reach the engine
        raise EngineError(f"no Docker engine answers: {exc}") from None
    try:
        proofs = verify(client, answers_path.resolve().parent, files, spec.service,
                        spec.user.uid, has_python=RUNTIMES[spec.runtime].python_in_image,
                        has_shell=spec.run_image.shell, timeout=args.timeout)
    finally:
        client.close()  # its connection pool holds the engine's socket open
    if args.format == "json":
        print(proofs_json(proofs), file=out)
    else:
        for proof in proofs:
            mark = {True: "ok", False: "FAIL", None: "skip"}[proof.ok]
            print(f"{mark:>5}  {proof.name}: {proof.detail}", file=out)
    failed = [p for p in proofs if p.ok is False]
    if args.format == "text":
        held = sum(1 for p in proofs if p.ok)
        skipped = sum(1 for p in proofs if p.ok is None)
        print(f"{spec.service}: {held} proofs held, {len(failed)} failed, {skipped} not tried",
              file=out)
    return 1 if failed else 0


def cmd_seccomp(args: argparse.Namespace, out: TextIO) -> int:
    if args.seccomp_command == "explain":
        return cmd_seccomp_explain(args, out)
    return cmd_seccomp_learn(args, out)


def cmd_seccomp_explain(args: argparse.Namespace, out: TextIO) -> int:
    from generator.render.confinement import profile_groups
    from generator.render.profiles import load_profile
    from generator.render.seccomp_explain import explain

    lines = explain(profile_groups(load_profile(args.profile)), args.syscalls)
    out.write("".join(f"{line}\n" for line in lines))
    return 0


def cmd_seccomp_learn(args: argparse.Namespace, out: TextIO) -> int:
    from generator.engine.learn import learn
    from generator.render.confinement import profile_groups, runtime_groups
    from generator.render.pipeline import load_spec
    from generator.render.profiles import load_profile
    from generator.render.writer import atomic_write

    profile = load_profile(args.profile)
    answers = Path(args.answers)
    static_count = None
    writable: tuple[str, ...] = ("/tmp",)
    runtime = args.runtime
    if answers.is_file():
        spec, profile = load_spec(answers, profile)
        runtime = runtime or spec.runtime
        writable = spec.writable or writable
        static_count = spec.confinement.syscall_count
    if runtime is None:
        raise UserError(f"no answers file at {answers}: say which runtime the image uses "
                        "(--runtime)", field="runtime")
    groups = profile_groups(profile)
    result = learn(args.image, runtime=runtime, groups=groups,
                   runtime_groups=runtime_groups(profile, runtime),
                   run_seconds=args.run_seconds, exercise=args.exercise, writable=writable,
                   progress=lambda line: print(f"  {line}", file=out))
    if result.left_out:
        print(f"left out (dangerous, never learned): {', '.join(result.left_out)}", file=out)
    compared = (f" (the static profile allows {static_count}, Docker's default 361)"
                if static_count is not None else " (Docker's default allows 361)")
    if not result.healthy:
        print(f"not healthy under the learned profile, so nothing was written:\n"
              f"{result.health_log}", file=out)
        return 1
    atomic_write(Path(args.out), result.text)
    print(f"wrote {args.out}: {result.count} syscalls allowed{compared}; healthy under it "
          f"({result.seconds:.0f}s)", file=out)
    return 0


def cmd_deploy_digest(args: argparse.Namespace, out: TextIO) -> int:
    from generator.render.deploy_digest import write_deployments
    from generator.render.pipeline import load_spec

    answers_path = Path(args.answers)
    spec, _ = load_spec(answers_path, args.profile)
    paths = write_deployments(spec, Path(args.out) if args.out else answers_path.parent,
                              args.image, args.digest)
    for path in paths:
        print(f"   wrote  {path}: {spec.run.image.repository} -> {args.image}@{args.digest}",
              file=out)
    return 0
