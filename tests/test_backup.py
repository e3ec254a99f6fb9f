"""Backup and restore of a deployment: the app database (SQLite and PostgreSQL), uploads and the index."""

from __future__ import annotations

import shutil
import uuid

import pytest
import sqlalchemy as sa

from research import cli
from tests.conftest import PASSWORD, POSTGRES, Firm, _postgres_up
from tests.test_documents import LEASE

pytestmark = pytest.mark.integration


def test_a_backup_restores_records_documents_and_index(invented_index_env, capsys, monkeypatch, tmp_path):
    from research.storage.backup import BackupError
    from research.wiring import default_index, open_app_database

    monkeypatch.setenv("RESEARCH_PASSWORD", PASSWORD)
    index = default_index()
    index.ingest(progress=False)
    database = open_app_database(index.settings)
    firm = Firm(database)
    amy = firm.as_(firm.associate)
    from research.service import ResearchRequest
    from research.wiring import research_service

    service = research_service()

    filed = service.research(ResearchRequest("How long does a lantern permit last?", ("US-DC",),
                                             matter=Firm.LANTERN), amy)
    document = service.add_document(amy, Firm.LANTERN, "lease.txt", LEASE.encode())
    database.close()
    out = tmp_path / "backup"
    assert cli.main(["backup", str(out)]) == 0
    assert cli.main(["backup", str(out)]) == cli.EXIT_FAILURE and "not empty" in capsys.readouterr().err
    assert cli.main(["restore", str(out)]) == cli.EXIT_FAILURE and "--force" in capsys.readouterr().err
    # the machine is lost: database, uploads and index gone
    settings = index.settings
    shutil.rmtree(settings.index_dir)
    shutil.rmtree(settings.uploads_dir)
    settings.models_dir.unlink()  # a link to the test session's models: the restore puts a copy in its place
    for side in ("", "-wal", "-shm"):
        (settings.data_dir / f"research.sqlite{side}").unlink(missing_ok=True)
    assert cli.main(["restore", str(out)]) == 0
    default_index.cache_clear()
    restored = open_app_database(default_index().settings)
    amy = restored.workspace(restored.accounts.user("Amy"))
    assert amy.conversations.get(filed.conversation_id).answers[0].answer == filed.answer
    (kept,) = amy.documents.documents(Firm.LANTERN)
    assert kept.filename == "lease.txt" and (settings.uploads_dir / restored_file(restored, kept.id)).is_file()
    assert restored.audit.verify().intact
    assert cli.main(["search", "lantern permit expires", "--json"]) == 0 and "us-dc" in capsys.readouterr().out
    assert document.id == kept.id
    from research.storage.backup import Holdings, backup, restore

    with pytest.raises(BackupError, match="not a backup"):
        restore(Holdings("sqlite:///x", tmp_path / "u", {}), tmp_path)
    with pytest.raises(BackupError, match="no database at"):
        backup(Holdings(f"sqlite:///{tmp_path / 'absent.sqlite'}", tmp_path / "u", {}), tmp_path / "empty")
    assert not (tmp_path / "absent.sqlite").exists()
    (out / "index" / "catalog.sqlite").unlink()
    shutil.rmtree(out / "uploads")
    with pytest.raises(BackupError, match="lacks uploads"):
        restore(Holdings(settings.app_database_url, settings.uploads_dir, {"index": settings.index_dir}), out,
                force=True)
    assert (settings.uploads_dir / restored_file(restored, kept.id)).is_file()  # nothing was touched
    restored.close()


def restored_file(database, document_id: int) -> str:
    from research.storage.tables import DocumentRow

    with database.engine.connect() as connection:
        return connection.execute(sa.select(DocumentRow.stored_name).where(DocumentRow.id == document_id)).scalar()


@pytest.mark.skipif(not _postgres_up(), reason="no PostgreSQL at 127.0.0.1:5432")
def test_a_postgresql_database_is_dumped_and_restored(tmp_path):
    from research.storage.backup import BackupError, Holdings, backup, restore
    from tests.conftest import open_database

    name = f"backup_{uuid.uuid4().hex[:8]}"
    with sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    url = POSTGRES.rsplit("/", 1)[0] + f"/{name}"
    try:
        database = open_database(url, tmp_path)
        Firm(database)
        database.close()
        holdings = Holdings(url, tmp_path / "uploads", {})
        backup(holdings, tmp_path / "out")
        with sa.create_engine(url).begin() as connection:
            connection.execute(sa.text("DELETE FROM memberships"))
            connection.execute(sa.text("DELETE FROM matters"))
        with pytest.raises(BackupError, match="PostgreSQL database .it has accounts"):
            restore(holdings, tmp_path / "out")  # a live database is not replaced without --force
        restore(holdings, tmp_path / "out", force=True)
        database = open_database(url, tmp_path)
        assert [m.name for m in database.accounts.matters_of(database.accounts.user("Amy"))] == [Firm.LANTERN]
        assert database.audit.verify().intact
        database.close()
    finally:
        with sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
