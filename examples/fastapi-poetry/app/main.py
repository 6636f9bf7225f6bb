"""A tiny notes API: enough routes to show validation, status codes and a health check."""
import os

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

app = FastAPI(title="fastapi-poetry", version=os.environ.get("APP_VERSION", "1.0.0"))

# In memory on purpose: the example has no database and the root filesystem is read-only.
_notes: dict[int, "Note"] = {}


class NoteIn(BaseModel):
    title: str = Field(min_length=1, max_length=120)
    body: str = Field(default="", max_length=10_000)


class Note(NoteIn):
    id: int


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/notes", status_code=201)
def create_note(note: NoteIn) -> Note:
    created = Note(id=len(_notes) + 1, **note.model_dump())
    _notes[created.id] = created
    return created


@app.get("/notes/{note_id}")
def read_note(note_id: int) -> Note:
    if note_id not in _notes:
        raise HTTPException(status_code=404, detail="no such note")
    return _notes[note_id]
