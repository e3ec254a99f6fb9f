"""`research users`, `research matters`, `research documents` and `research audit`: who may see what, and the
record of what they did."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

from research.cli.common import EXIT_FAILURE, app_database, new_password, signed_in, workspace
from research.domain.accounts import Permission


def cmd_users_add(args) -> int:
    """Add an account (the first one, an admin, needs no --as; later ones an admin's)."""
    db = app_database()
    if db.accounts.has_users() and not args.as_user:
        raise ValueError("Only an admin may add users once one exists: add --as ADMIN (password from "
                         "RESEARCH_PASSWORD or a prompt)")
    by = signed_in(args, db) if db.accounts.has_users() else None
    user = db.accounts.add_user(args.name, args.role, new_password(args, args.name), by=by)
    print(f"added {user.name} ({user.role})")
    return 0


def cmd_users_list(args) -> int:
    """Every account with its role and whether it is disabled (an admin's view)."""
    db = app_database()
    signed_in(args, db).require(Permission.MANAGE_USERS)
    users = db.accounts.users()
    if args.json:
        print(json.dumps([{"name": u.name, "role": u.role, "disabled": u.disabled} for u in users]))
        return 0
    for u in users:
        print(f"{u.name:<30} {u.role:<10} {'disabled' if u.disabled else ''}")
    return 0


def cmd_users_disable(args) -> int:
    """Disable (or with --enable, enable again) an account."""
    db = app_database()
    user = db.accounts.set_disabled(args.name, not args.enable, by=signed_in(args, db))
    print(f"{user.name} is {'disabled' if user.disabled else 'enabled'}")
    return 0


def cmd_users_reset_password(args) -> int:
    """Set a new password for an account (an admin's, or your own)."""
    db = app_database()
    by = signed_in(args, db)
    db.accounts.reset_password(args.name, new_password(args, args.name), by=by)
    print(f"password of {args.name} reset")
    return 0


def cmd_matters_add(args) -> int:
    """Create a matter with its members."""
    db = app_database()
    matter = db.accounts.add_matter(args.matter, args.member or [], by=signed_in(args, db))
    print(f"added matter {matter.name!r} with {len(args.member or [])} member(s)")
    return 0


def cmd_matters_members(args) -> int:
    """List a matter's members, or add (--add) or remove (--remove) some."""
    db = app_database()
    by = signed_in(args, db)
    if args.add:
        db.accounts.add_members(args.matter, args.add, by=by)
    for name in args.remove or []:
        db.accounts.remove_member(args.matter, name, by=by)
    members = db.accounts.members(args.matter, by=by)
    if args.json:
        print(json.dumps([{"name": u.name, "role": u.role} for u in members]))
        return 0
    for u in members:
        print(f"{u.name:<30} {u.role}")
    return 0


def cmd_matters_list(args) -> int:
    """The matters you belong to (an admin: every matter)."""
    db = app_database()
    user = signed_in(args, db)
    matters = db.accounts.matters(user) if user.can(Permission.MANAGE_MATTERS) else db.accounts.matters_of(user)
    if args.json:
        print(json.dumps([m.name for m in matters]))
        return 0
    for m in matters:
        print(m.name)
    return 0


def cmd_matters_delete(args) -> int:
    """Delete a matter and everything filed under it (the audit keeps the fact)."""
    if not args.yes:
        print(f"error: this deletes every conversation, answer, grade and document of {args.matter!r}; "
              "add --yes to confirm", file=sys.stderr)
        return EXIT_FAILURE
    db = app_database()
    db.delete_matter(args.matter, by=signed_in(args, db))
    print(f"deleted matter {args.matter!r}")
    return 0


def cmd_documents_add(args) -> int:
    """Upload a document to a matter: parsed, chunked, indexed in the matter's private scope."""
    from research import open_researcher

    path = Path(args.file)
    if not path.is_file():
        raise ValueError(f"{path} is not a file")
    document = open_researcher().add_document(workspace(args), args.matter, path.name, path.read_bytes())
    print(f"added document {document.id} {document.filename!r} to {document.matter!r} "
          f"({document.pages} page(s), {len(document.text):,} characters)")
    return 0


def cmd_documents_list(args) -> int:
    """The documents of a matter."""
    documents = workspace(args).documents.documents(args.matter)
    if args.json:
        print(json.dumps([{"id": d.id, "filename": d.filename, "pages": d.pages, "size": d.size,
                           "uploaded_by": d.uploaded_by, "uploaded_at": d.uploaded_at.isoformat()}
                          for d in documents]))
        return 0
    if not documents:
        print("No documents.")
    for d in documents:
        print(f"{d.id:>5}  {d.filename}  ({d.pages} page(s), {d.size:,} bytes, {d.uploaded_by}, "
              f"{d.uploaded_at:%Y-%m-%d})")
    return 0


def cmd_documents_delete(args) -> int:
    """Delete a document: its passages, its file; the audit keeps the fact."""
    workspace(args).documents.delete(args.document_id)
    print(f"deleted document {args.document_id}")
    return 0


def cmd_audit_verify(args) -> int:
    """Check the audit chain; non-zero and the first bad record when anything was edited, deleted or reordered."""
    check = app_database().audit.verify()
    if check.intact:
        print(f"audit trail intact: {check.records} records")
        return 0
    where = f"record {check.first_bad}" if check.first_bad is not None else "the end of the trail"
    print(f"audit trail BROKEN at {where}: {check.problem} ({check.records} records check out before it)",
          file=sys.stderr)
    return EXIT_FAILURE


def cmd_audit_export(args) -> int:
    """A matter's audit records (a member's or an admin's view) as JSON lines or CSV."""
    from research.cli.records import emit
    from research.storage.audit import to_csv, to_jsonl

    records = workspace(args).audit_records(args.matter, args.format)
    text = to_csv(records) if args.format == "csv" else to_jsonl(records)
    return emit(text, args.out, args.force, f"{len(records)} audit record(s)")


def parse_duration(text: str) -> timedelta | None:
    """'30d', '12h', '90m' as a duration; 'never' as None (a token that does not expire)."""
    text = text.strip().lower()
    if text == "never":
        return None
    units = {"d": "days", "h": "hours", "m": "minutes"}
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit() or int(text[:-1]) == 0:
        raise ValueError(f"--expires {text!r}: write a number and d, h or m (30d, 12h, 90m), or never")
    return timedelta(**{units[text[-1]]: int(text[:-1])})


def cmd_tokens_create(args) -> int:
    """Issue an API token to the signed-in user; the token is printed once and stored only as its hash."""
    db = app_database()
    user = signed_in(args, db)
    token, secret = db.tokens.create(user, parse_duration(args.expires), args.label or "")
    if args.json:
        print(json.dumps({"id": token.id, "user": token.user, "token": secret,
                          "expires_at": token.expires_at.isoformat() if token.expires_at else None}))
        return 0
    until = f"until {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else "without expiry"
    print(f"API token {token.id} for {token.user}, valid {until}. It is shown only now:\n{secret}")
    return 0


def cmd_tokens_list(args) -> int:
    """The signed-in user's tokens (an admin's: everyone's), never their secrets."""
    db = app_database()
    tokens = db.tokens.tokens(signed_in(args, db))
    rows = [{"id": t.id, "user": t.user, "label": t.label, "state": t.state, "created_at": t.created_at.isoformat(),
             "expires_at": t.expires_at.isoformat() if t.expires_at else None} for t in tokens]
    if args.json:
        print(json.dumps(rows))
        return 0
    if not rows:
        print("No API tokens.")
    for r in rows:
        print(f"{r['id']:>4}  {r['user']:<20} {r['state']:<8} expires {r['expires_at'] or 'never'}  {r['label']}")
    return 0


def cmd_tokens_revoke(args) -> int:
    """Revoke an API token (yours, or anyone's for an admin): it stops working at once."""
    db = app_database()
    db.tokens.revoke(args.token_id, signed_in(args, db))
    print(f"revoked API token {args.token_id}")
    return 0
