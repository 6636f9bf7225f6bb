"""One job: a JSON file in the spool folder, validated, computed, written as a result file."""
import json
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError


class Job(BaseModel):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    op: Literal["sum", "max", "count"]
    values: list[float] = Field(max_length=100_000)


def compute(job: Job) -> float:
    if job.op == "sum":
        return sum(job.values)
    if job.op == "max":
        return max(job.values, default=0.0)
    return float(len(job.values))


def process(path: Path, results_dir: Path) -> str:
    """Writes <id>.json (or <file>.error.json) into results_dir, removes the job, returns its id."""
    try:
        job = Job.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        _write_atomically(results_dir / f"{path.stem}.error.json",
                          {"job_file": path.name, "errors": exc.errors(include_url=False)})
        path.unlink()
        raise
    _write_atomically(results_dir / f"{job.id}.json",
                      {"id": job.id, "op": job.op, "result": compute(job)})
    path.unlink()
    return job.id


def pending(spool_dir: Path) -> list[Path]:
    """Finished job files only: writers create NAME.json.tmp and rename it when complete."""
    return sorted(p for p in spool_dir.glob("*.json") if p.is_file())


def _write_atomically(target: Path, document: dict) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(target.name + ".tmp")
    temp.write_text(json.dumps(document, default=str) + "\n", encoding="utf-8")
    os.replace(temp, target)
