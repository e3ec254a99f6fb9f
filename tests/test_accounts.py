"""Accounts, roles, matter walls and the audit trail, on SQLite and (when it runs) PostgreSQL.

Each wall test acts through the package API as one user and tries to reach another matter's records.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from research.domain.accounts import AccessDenied, NotAMember, SignInFailed
from research.domain.review import Grade
from research.storage.audit import to_csv, to_jsonl
from research.storage.tables import utc_now
from tests.conftest import PASSWORD, Firm, open_database
from tests.test_appdb import make_answer


@pytest.fixture
def firm(database_url, tmp_path):
    db = open_database(database_url, tmp_path)
    yield Firm(db)
    db.close()


def test_the_first_account_must_be_an_admin_and_only_admins_add_users(database_url, tmp_path):
    db = open_database(database_url, tmp_path)
    assert not db.accounts.has_users()
    with pytest.raises(ValueError, match="first account must be an admin"):
        db.accounts.add_user("Amy", "associate", PASSWORD, by=None)
    admin = db.accounts.add_user("Ada", "admin", PASSWORD, by=None)
    with pytest.raises(AccessDenied):
        db.accounts.add_user("Eve", "admin", PASSWORD, by=None)
    amy = db.accounts.add_user("Amy", "associate", PASSWORD, by=admin)
    with pytest.raises(AccessDenied):
        db.accounts.add_user("Eve", "admin", PASSWORD, by=amy)
    with pytest.raises(ValueError, match="already exists"):
        db.accounts.add_user("amy", "reviewer", PASSWORD, by=admin)
    with pytest.raises(ValueError, match="at least 8"):
        db.accounts.add_user("Bob", "reviewer", "short", by=admin)
    with pytest.raises(ValueError, match="user name"):
        db.accounts.add_user("<b>Bob</b>", "reviewer", PASSWORD, by=admin)
    assert [(u.name, u.role) for u in db.accounts.users()] == [("Ada", "admin"), ("Amy", "associate")]
    db.close()


def test_passwords_are_stored_as_argon2_hashes_and_never_in_the_audit(firm):
    with firm.db.engine.connect() as connection:
        hashes = [row[0] for row in connection.execute(sa.text("SELECT password_hash FROM users"))]
        audit_text = " ".join(str(row) for row in connection.execute(sa.text("SELECT * FROM audit_records")))
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)
    firm.db.accounts.reset_password("Amy", "a brand new password", by=firm.admin)
    firm.db.accounts.sign_in("Amy", "a brand new password")
    with firm.db.engine.connect() as connection:
        audit_text += " ".join(str(row) for row in connection.execute(sa.text("SELECT * FROM audit_records")))
    assert PASSWORD not in audit_text and "a brand new password" not in audit_text


def test_sign_in_checks_the_password_and_refuses_a_name_after_repeated_failures(firm):
    accounts = firm.db.accounts
    assert accounts.sign_in("amy", PASSWORD).name == "Amy"
    for _ in range(5):
        with pytest.raises(SignInFailed, match="Wrong name or password"):
            accounts.sign_in("Amy", "not the password")
    with pytest.raises(SignInFailed, match="Too many failed sign-ins"):
        accounts.sign_in("Amy", PASSWORD)  # even the right password, while locked
    later = utc_now() + timedelta(minutes=16)
    assert accounts.sign_in("Amy", PASSWORD, now=later).name == "Amy"
    with pytest.raises(SignInFailed):
        accounts.sign_in("Nobody", PASSWORD)
    actions = [r.action for r in firm.db.audit.records()]
    assert actions.count("sign-in failed") == 6 and "sign-in refused" in actions


def test_a_disabled_account_can_neither_sign_in_nor_act(firm):
    amy = firm.as_(firm.associate)
    conversation_id = amy.conversations.create(Firm.LANTERN)
    firm.db.accounts.set_disabled("Amy", True, by=firm.admin)
    with pytest.raises(SignInFailed):
        firm.db.accounts.sign_in("Amy", PASSWORD)
    with pytest.raises(AccessDenied):
        amy.conversations.get(conversation_id)  # the session she already had
    with pytest.raises(AccessDenied):
        firm.db.accounts.set_disabled("Ada", True, by=firm.reviewer)


def test_a_browser_session_resumes_until_it_ends_idles_out_or_its_account_is_disabled(firm):
    from research.storage.sessions import MAX_AGE
    from research.storage.tables import BrowserSessionRow

    sessions, hour = firm.db.browser_sessions, timedelta(hours=1)

    def age(secret: str, **ago: timedelta) -> None:
        digest = hashlib.sha256(secret.encode()).hexdigest()
        with firm.db.engine.begin() as connection:
            connection.execute(sa.update(BrowserSessionRow).where(BrowserSessionRow.secret_hash == digest)
                               .values(**{column: utc_now() - delta for column, delta in ago.items()}))

    secret = sessions.start(firm.associate)
    assert sessions.resume(secret, hour).name == "Amy"  # a reload of the page
    (resumed,) = [r for r in firm.db.audit.records() if r.detail.get("via") == "browser session"]
    assert resumed.user == "Amy" and resumed.action == "sign-in"  # a sign-in without a password, recorded
    assert sessions.touch(secret, hour)  # the tab that signed in is still signed in
    assert sessions.resume(secret + "x", hour) is None and sessions.resume("", hour) is None
    with firm.db.engine.begin() as connection:  # what the table keeps: a digest, never the secret
        (stored,) = connection.execute(sa.select(BrowserSessionRow.secret_hash)).scalars()
    assert secret not in stored and len(stored) == 64
    sessions.end(secret)
    assert sessions.resume(secret, hour) is None and not sessions.touch(secret, hour)  # signed out, in every tab

    idle = sessions.start(firm.associate)
    age(idle, last_seen_at=2 * hour)
    assert not sessions.touch(idle, hour)
    assert sessions.resume(idle, 3 * hour) is None  # it ended when it was found idle

    old = sessions.start(firm.associate)
    age(old, created_at=MAX_AGE + hour)
    assert sessions.resume(old, hour) is None  # in use all along, but older than a working day

    kept = sessions.start(firm.associate)
    firm.db.accounts.set_disabled("Amy", True, by=firm.admin)
    assert sessions.resume(kept, hour) is None
    firm.db.accounts.set_disabled("Amy", False, by=firm.admin)
    assert sessions.resume(kept, hour) is None  # enabling the account again does not revive it

    before_reset = sessions.start(firm.associate)
    firm.db.accounts.reset_password("Amy", "a new horse battery", by=firm.admin)
    assert sessions.resume(before_reset, hour) is None


def test_a_user_cannot_read_file_grade_or_export_another_matters_research(firm):
    amy, otto, rex = firm.as_(firm.associate), firm.as_(firm.outsider), firm.as_(firm.reviewer)
    conversation_id = amy.conversations.create(Firm.LANTERN)
    answer_id = amy.conversations.add_answer(conversation_id, make_answer("How long does a permit last?"))
    with pytest.raises(NotAMember, match="not a member of matter of this record") as refused:
        otto.conversations.get(conversation_id)
    assert Firm.LANTERN not in str(refused.value)  # reached by id: the matter's name is not told
    with pytest.raises(NotAMember):
        otto.conversations.export(conversation_id, "memo docx")
    with pytest.raises(NotAMember):
        otto.conversations.add_answer(conversation_id, make_answer("Planted?"))
    with pytest.raises(NotAMember):
        otto.conversations.create(Firm.LANTERN)
    with pytest.raises(NotAMember):
        otto.reviews.answer(answer_id)
    assert otto.conversations.summaries() == [] and otto.conversations.summaries("permit") == []
    assert otto.reviews.queue() == [] and otto.reviews.answer_facts() == [] and otto.conversations.matters() == [
        Firm.GOAT]
    rex.reviews.record_grade(answer_id, Grade("Rex", 4, 4, 4, True, {1: "correct"}))
    assert otto.reviews.graded() == [] and len(rex.reviews.graded()) == 1
    with pytest.raises(NotAMember):
        firm.db.accounts.members(Firm.LANTERN, by=firm.outsider)


def test_roles_decide_who_grades_and_approves_and_grades_carry_the_signed_in_name(firm):
    amy, rex = firm.as_(firm.associate), firm.as_(firm.reviewer)
    conversation_id = amy.conversations.create(Firm.LANTERN)
    answer_id = amy.conversations.add_answer(conversation_id, make_answer("How long does a permit last?"))
    with pytest.raises(AccessDenied):
        amy.reviews.record_grade(answer_id, Grade("Amy", 5, 5, 5, True, {}))
    with pytest.raises(AccessDenied):
        amy.reviews.approve(answer_id)
    rex.reviews.record_grade(answer_id, Grade("Somebody Else", 4, 4, 4, True, {1: "correct"}))
    rex.reviews.approve(answer_id)
    queued = rex.reviews.answer(answer_id)
    assert [g.reviewer for g in queued.grades] == ["Rex"] and queued.stored.reviewer == "Rex"


def test_taking_a_user_off_a_matter_closes_it_at_once(firm):
    amy = firm.as_(firm.associate)
    conversation_id = amy.conversations.create(Firm.LANTERN)
    assert amy.conversations.get(conversation_id).matter == Firm.LANTERN
    firm.db.accounts.remove_member(Firm.LANTERN, "Amy", by=firm.admin)
    with pytest.raises(NotAMember):
        amy.conversations.get(conversation_id)
    assert amy.matters() == []


def test_deleting_a_matter_removes_what_was_filed_and_the_audit_keeps_the_fact(firm):
    ada = firm.as_(firm.admin)
    conversation_id = ada.conversations.create(Firm.GOAT)
    ada.conversations.add_answer(conversation_id, make_answer("When may goats graze?"))
    with pytest.raises(AccessDenied):
        firm.db.delete_matter(Firm.GOAT, by=firm.reviewer)
    firm.db.delete_matter(Firm.GOAT, by=firm.admin)
    assert [m.name for m in ada.matters()] == [Firm.LANTERN]
    assert ada.conversations.summaries() == []
    deleted = [r for r in firm.db.audit.records() if r.action == "matter deleted"]
    assert deleted[0].matter == Firm.GOAT and deleted[0].detail["answers"] == 1
    assert firm.db.audit.verify().intact


def test_the_audit_trail_records_who_did_what_and_exports_per_matter(firm):
    amy, rex = firm.as_(firm.associate), firm.as_(firm.reviewer)
    conversation_id = amy.conversations.create(Firm.LANTERN)
    answer_id = amy.conversations.add_answer(conversation_id, make_answer("How long does a permit last?"))
    rex.reviews.record_grade(answer_id, Grade("Rex", 4, 4, 4, True, {1: "correct"}))
    rex.reviews.approve(answer_id)
    amy.conversations.export(conversation_id, "memo docx")
    records = list(firm.db.audit.records([Firm.LANTERN]))
    assert [(r.user, r.action) for r in records] == [
        ("Ada", "matter added"), ("Amy", "conversation started"), ("Amy", "question answered"),
        ("Rex", "answer graded"), ("Rex", "answer approved"), ("Amy", "exported")]
    asked = records[2].detail
    assert asked["retrieved"] == ["us-dc:inv:7-101"] and asked["law_versions"] == {"code-dc": "2031 edition"}
    assert to_jsonl(records).count("\n") == 6 and to_csv(records).splitlines()[0].startswith("id,at,user,action")


@pytest.mark.parametrize("tampering, first_bad", [
    ("UPDATE audit_records SET detail = '{}' WHERE id = 3", 3),
    ("DELETE FROM audit_records WHERE id = 3", 4),
    ("UPDATE audit_records SET id = id + 1000 WHERE id = 2", 3),
    ("DELETE FROM audit_records WHERE id = (SELECT MAX(id) FROM audit_records)", None),
])
def test_a_tampered_audit_trail_fails_verification(firm, tampering, first_bad):
    assert firm.db.audit.verify().intact
    with firm.db.engine.begin() as connection:
        connection.execute(sa.text(tampering))
    check = firm.db.audit.verify()
    assert not check.intact and check.first_bad == first_bad and check.problem


def test_a_new_sqlite_database_and_the_uploads_are_readable_by_their_owner_only(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'data' / 'app.sqlite'}", tmp_path)
    for path in (tmp_path / "data" / "app.sqlite", db.files_dir):
        assert path.stat().st_mode & 0o077 == 0, path
    db.close()


def test_the_audit_key_file_is_created_owner_only_and_kept(tmp_path):
    from research.storage.database import audit_key

    key = audit_key(tmp_path / "keys" / "audit.key")
    assert len(key) == 32 and audit_key(tmp_path / "keys" / "audit.key") == key
    assert (tmp_path / "keys" / "audit.key").stat().st_mode & 0o077 == 0


def test_a_deleted_matters_name_is_not_reused(firm):
    firm.db.accounts.add_matter("Brief matter", ["Amy"], by=firm.admin)
    firm.db.delete_matter("Brief matter", by=firm.admin)
    with pytest.raises(ValueError, match="existed and was deleted"):  # its audit records keep the name
        firm.db.accounts.add_matter("brief matter", ["Otto"], by=firm.admin)
