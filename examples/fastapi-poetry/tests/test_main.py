from fastapi.testclient import TestClient

from app.main import app

client = TestClient(app)


def test_healthz_answers_200():
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_created_note_reads_back():
    created = client.post("/notes", json={"title": "shopping", "body": "eggs"})
    assert created.status_code == 201
    note_id = created.json()["id"]
    assert client.get(f"/notes/{note_id}").json() == {"id": note_id, "title": "shopping", "body": "eggs"}


def test_an_empty_title_is_refused_and_unknown_notes_are_404():
    assert client.post("/notes", json={"title": ""}).status_code == 422
    assert client.get("/notes/9999").status_code == 404
