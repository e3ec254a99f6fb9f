"""The HTTP API: the app's operations for the user a bearer token names (`research tokens create`).

Every endpoint under /v1 acts through that user's walled workspace (research.storage.database.Workspace), the
same stores the app and the CLI use, so the API has no way around the matter walls. Bad input gets a 4xx with a
JSON body `{"error", "detail"}` saying what is wrong; a store or index that is down gets 503. Answering is
CPU-bound: each process answers `answers_at_once` questions at a time, the rest wait their turn.
"""


import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, File, Path, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import IntegrityError

from research.answer.researcher import QuestionError, check_question
from research.api.schemas import MAX_RECORD_ID, ApproveBody, AskBody, GradeBody, SearchBody, SurveyBody
from research.domain.accounts import AccessDenied, SignInFailed, User
from research.domain.records import Conversation, StoredAnswer
from research.domain.review import Grade
from research.service import ResearchRequest, ResearchService
from research.settings import ApiSettings
from research.storage.audit import to_csv as audit_csv
from research.storage.audit import to_jsonl as audit_jsonl
from research.storage.database import AppDatabase, Workspace
from research.storage.reviews import ReviewIncomplete
from research.workflow.grades import grade_records
from research.workflow.grades import to_csv as grades_csv
from research.workflow.grades import to_jsonl as grades_jsonl
from research.workflow.memo import build_memo, chosen_answers
from research.workflow.memo_render import render

log = logging.getLogger(__name__)
RecordId = Annotated[int, Path(ge=1, le=MAX_RECORD_ID, description="a record's id")]
MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "pdf": "application/pdf",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}


class Unavailable(RuntimeError):
    """Something the request needs (the index, the database, the vector store) is not reachable now."""


@dataclass
class Readiness:
    """Whether the process may take questions: warmed up (models and indexes loaded by a first answer) and its
    stores reachable now. `checks` name a probe per store; a probe raises when its store is down."""

    checks: dict[str, Callable[[], object]]
    warm_up: Callable[[], object] | None = None
    warmed: threading.Event = field(default_factory=threading.Event)
    warm_up_error: str = ""

    def start(self) -> None:
        """Warm up in the background (the process answers /healthz meanwhile)."""
        if self.warm_up is None:
            self.warmed.set()
            return

        def run() -> None:
            try:
                assert self.warm_up is not None
                self.warm_up()
            except Exception as exc:  # noqa: BLE001 - reported by /readyz, not fatal to the process
                log.exception("warm-up failed")
                self.warm_up_error = f"{type(exc).__name__}: {exc}"
            finally:
                self.warmed.set()

        threading.Thread(target=run, name="warm-up", daemon=True).start()

    def report(self) -> tuple[bool, dict[str, str]]:
        """(ready, what each check found)."""
        found = {"warm": "ok" if self.warmed.is_set() and not self.warm_up_error
                 else self.warm_up_error or "loading models and indexes"}
        for name, probe in self.checks.items():
            try:
                probe()
                found[name] = "ok"
            except Exception as exc:  # noqa: BLE001 - any failure of a probe means "not reachable"
                log.warning("readiness check %s failed: %s", name, exc)
                found[name] = f"not ready: {type(exc).__name__}"
        return all(v == "ok" for v in found.values()), found


class RateLimiter:
    """At most `per_minute` requests per user in any 60 s, in this process."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._seen: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, user_id: int) -> int:
        """0 when the request may go ahead (and it is counted), else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(user_id, deque())
            while seen and seen[0] <= now - 60:
                seen.popleft()
            if len(seen) >= self.per_minute:
                return int(60 - (now - seen[0])) + 1
            seen.append(now)
            return 0


class BodyLimit:
    """ASGI middleware: a request body over `max_bytes` gets 413, whether it declares its length or streams."""

    def __init__(self, app: Any, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _send_error(send, 413, "body too large",
                              f"The request body is larger than {self.max_bytes:,} bytes.")
            return
        received = 0
        too_large = False

        async def counted() -> dict:
            nonlocal received, too_large
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                too_large = True
                raise _TooLarge()
            return message

        async def unless_too_large(message: dict) -> None:
            if not too_large:  # the app's own reply to a body it could not read is replaced by the 413 below
                await send(message)

        try:
            await self.app(scope, counted, unless_too_large)
        except _TooLarge:
            pass
        if too_large:
            await _send_error(send, 413, "body too large", f"The request body is larger than {self.max_bytes:,} bytes.")


class _TooLarge(Exception):
    pass


async def _send_error(send: Callable, status: int, error: str, detail: str) -> None:
    body = json.dumps({"error": error, "detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _error(status: int, error: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status, headers=headers)


def stored_record(stored: StoredAnswer, required: int) -> dict:
    """An answer as filed: the `research ask --json` object with its id, status and the reviewed text."""
    return {"answer_id": stored.id, "asked_at": stored.asked_at.isoformat(), "status": stored.review_state(required),
            "label": stored.label, "final_text": stored.final_text, "edited": stored.edited_text is not None,
            "reviews": stored.reviews,
            "grades": [{"reviewer": g.reviewer, "passed": g.passed,
                        "citation_marks": {str(n): m for n, m in g.citation_marks.items()}} for g in stored.grades],
            "answer": stored.answer.to_dict()}


def conversation_record(conversation: Conversation, required: int) -> dict:
    """A conversation with its answers as filed."""
    return {"id": conversation.id, "matter": conversation.matter, "associate": conversation.associate,
            "created_at": conversation.created_at.isoformat(),
            "answers": [stored_record(a, required) for a in conversation.answers]}


def create_app(service: ResearchService, database: AppDatabase, settings: ApiSettings,
               readiness: Readiness | None = None, serving: Callable[[], object] | None = None) -> FastAPI:
    """The API over a research service and app database (research.api.server wires them from settings).
    `serving` raises when this node must not serve now (its index is not the published one): every /v1 request
    then gets 503."""
    readiness = readiness or Readiness({})

    def lifespan(_app: FastAPI):  # type: ignore[no-untyped-def]
        from contextlib import asynccontextmanager

        @asynccontextmanager
        async def span():  # type: ignore[no-untyped-def]
            readiness.start()
            yield

        return span()

    app = FastAPI(title="Legal research assistant API", version="1",
                  description="Cited answers from statutes and case law, filed under matters; every /v1 endpoint "
                              "needs `Authorization: Bearer TOKEN` (research tokens create --as NAME).",
                  lifespan=lifespan)
    app.add_middleware(BodyLimit, max_bytes=int(settings.max_body_mb * 1024 * 1024))
    limiter = RateLimiter(settings.requests_per_minute)
    answer_slots = threading.BoundedSemaphore(settings.answers_at_once)
    bearer = HTTPBearer(auto_error=False)
    required = database.reviews_required

    def current_user(request: Request,
                     credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> User:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise SignInFailed("Send `Authorization: Bearer TOKEN` (research tokens create --as NAME).")
        user = database.tokens.user_of(credentials.credentials)
        if serving is not None:  # after the token: why a node refuses is told to signed-in users only
            try:
                serving()
            except Exception as exc:  # noqa: BLE001 - whatever the reason, this node must not answer
                raise Unavailable(str(exc)) from exc
        wait = limiter.retry_after(user.id)
        if wait:
            raise _RateLimited(wait)
        request.state.user = user.name
        return user

    def workspace(user: Annotated[User, Depends(current_user)]) -> Workspace:
        return database.workspace(user)

    Walled = Annotated[Workspace, Depends(workspace)]

    @app.exception_handler(_RateLimited)
    async def rate_limited(_request: Request, exc: _RateLimited) -> JSONResponse:
        return _error(429, "too many requests", f"More than {settings.requests_per_minute} requests a minute; "
                      f"retry in {exc.wait} s.", {"Retry-After": str(exc.wait)})

    @app.exception_handler(SignInFailed)
    async def not_signed_in(_request: Request, exc: SignInFailed) -> JSONResponse:
        return _error(401, "not signed in", str(exc), {"WWW-Authenticate": "Bearer"})

    @app.exception_handler(AccessDenied)
    async def denied(_request: Request, exc: AccessDenied) -> JSONResponse:
        return _error(403, "forbidden", str(exc))

    @app.exception_handler(LookupError)
    async def not_found(_request: Request, exc: LookupError) -> JSONResponse:
        return _error(404, "not found", str(exc).strip("'\""))

    @app.exception_handler(ReviewIncomplete)
    async def incomplete(_request: Request, exc: ReviewIncomplete) -> JSONResponse:
        return _error(409, "reviews missing", str(exc))

    @app.exception_handler(IntegrityError)
    async def conflict(_request: Request, exc: IntegrityError) -> JSONResponse:
        return _error(409, "conflict", "Another request changed the same record at the same time; retry.")

    @app.exception_handler(ValueError)
    async def bad_request(_request: Request, exc: ValueError) -> JSONResponse:
        return _error(400, "bad request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return _error(422, "invalid request", problems)

    @app.exception_handler(Unavailable)
    async def unavailable(_request: Request, exc: Unavailable) -> JSONResponse:
        return _error(503, "unavailable", str(exc), {"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def failed(request: Request, exc: Exception) -> JSONResponse:
        if _is_outage(exc):
            return _error(503, "unavailable", f"A store the request needs is not reachable: {type(exc).__name__}.",
                          {"Retry-After": "5"})
        log.exception("request %s %s failed", request.method, request.url.path)
        return _error(500, "internal error", "The request failed on the server; it is logged.")

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict:  # async: answered on the event loop even when every worker thread is busy
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    def readyz() -> JSONResponse:
        """Readiness: warmed up, and the database and vector store reachable (503 with what is not)."""
        ready, found = readiness.report()
        return JSONResponse({"ready": ready, "checks": found}, status_code=200 if ready else 503)

    def answering(work: Callable[[], Any]) -> Any:
        if not answer_slots.acquire(timeout=settings.answer_wait_s):
            raise Unavailable(f"Every answer slot of this process stayed busy for {settings.answer_wait_s:.0f} s; "
                              "retry, or add API machines (docs/deploy.md).")
        try:
            return work()
        finally:
            answer_slots.release()

    @app.post("/v1/search", tags=["research"])
    def search(body: SearchBody, _user: Annotated[User, Depends(current_user)]) -> dict:
        """Ranked authorities of the public corpus for a query."""
        check_question(body.query, tuple(body.jurisdictions), tuple(body.kinds), "extractive")
        # a search is a small part of an answer's work: it does not wait for an answer slot
        results = service.search(body.query, tuple(body.jurisdictions), tuple(body.kinds), body.k)
        return {"query": body.query, "results": results}

    def ask_request(body: AskBody, ws: Workspace) -> ResearchRequest:
        check_question(body.question, tuple(body.jurisdictions), tuple(body.kinds), body.mode)
        history: tuple = ()
        if body.conversation_id is not None:
            history = tuple(ws.conversations.get(body.conversation_id).turns())
        elif body.matter:
            ws.conversations.check_matter(body.matter)
        return ResearchRequest(body.question, tuple(body.jurisdictions), tuple(body.kinds), body.mode,
                               history=history, matter=body.matter, conversation_id=body.conversation_id)

    @app.post("/v1/ask", tags=["research"])
    def ask(body: AskBody, ws: Walled) -> dict:
        """A cited answer (the object of `research ask --json`), filed under the matter or conversation given."""
        request = ask_request(body, ws)
        return answering(lambda: service.research(request, ws)).to_dict()

    @app.post("/v1/ask/stream", tags=["research"])
    def ask_stream(body: AskBody, ws: Walled) -> StreamingResponse:
        """As /v1/ask, as JSON lines: `accepted` at once, then `brief_answer`, each `sentence`, and `answer` (the
        whole object, with where it was filed); `error` if answering fails after it was accepted."""
        request = ask_request(body, ws)  # bad requests are refused before anything is streamed

        def events() -> Iterator[str]:
            yield json.dumps({"event": "accepted", "question": body.question}) + "\n"
            try:
                result = answering(lambda: service.research(request, ws))
            except (QuestionError, PermissionError, LookupError, ValueError) as exc:
                yield json.dumps({"event": "error", "detail": str(exc)}) + "\n"
                return
            except Exception as exc:  # noqa: BLE001 - the stream has begun: say so in it
                log.exception("streamed answer failed")
                yield json.dumps({"event": "error", "detail": "unavailable" if _is_outage(exc) else "failed"}) + "\n"
                return
            answer = result.answer
            yield json.dumps({"event": "brief_answer", "text": answer.brief_answer}) + "\n"
            for sentence in answer.sentences:
                yield json.dumps({"event": "sentence", "text": sentence.text,
                                  "citations": list(sentence.citations)}) + "\n"
            yield json.dumps({"event": "answer", **result.to_dict()}) + "\n"

        return StreamingResponse(events(), media_type=MEDIA_TYPES["jsonl"])

    @app.post("/v1/survey", tags=["research"])
    def survey(body: SurveyBody, ws: Walled) -> dict:
        """The question answered in each jurisdiction, as rows (filed under the matter, if given)."""
        request = ResearchRequest(body.question, tuple(body.jurisdictions), tuple(body.kinds), body.mode,
                                  survey=True, matter=body.matter)
        return answering(lambda: service.research(request, ws)).to_dict()

    @app.get("/v1/matters", tags=["records"])
    def matters(ws: Walled) -> list[dict]:
        """The matters you belong to."""
        return [{"name": m.name} for m in ws.matters()]

    @app.get("/v1/conversations", tags=["records"])
    def conversations(ws: Walled, search: str = "", matter: str = "") -> list[dict]:
        """Your matters' conversations, newest first (searching questions, answers and matter names)."""
        return [{"id": c.id, "matter": c.matter, "associate": c.associate, "updated_at": c.updated_at.isoformat(),
                 "questions": c.questions, "statuses": c.statuses, "first_question": c.first_question}
                for c in ws.conversations.summaries(search, matter)]

    @app.get("/v1/conversations/{conversation_id}", tags=["records"])
    def conversation(conversation_id: RecordId, ws: Walled) -> dict:
        """A conversation with its answers as filed, their review status and reviewed text."""
        found = ws.conversations.get(conversation_id)
        return conversation_record(replace(found, answers=service.current(found.answers)), required)

    @app.get("/v1/conversations/{conversation_id}/memo", tags=["records"])
    def memo(conversation_id: RecordId, ws: Walled, format: Literal["md", "docx", "pdf"] = "docx",  # noqa: A002
             answers: Annotated[str, Query(pattern=r"^(\d+(,\d+)*)?$")] = "",
             to: Annotated[str, Query(max_length=200)] = "Supervising Attorney",
             author: Annotated[str, Query(max_length=200)] = "") -> Response:
        """The conversation (or the answers numbered, e.g. 1,3) as a research memo."""
        found = ws.conversations.export(conversation_id, f"memo {format}")
        numbers = [int(n) for n in answers.split(",")] if answers else None
        picked = service.current(chosen_answers(found.answers, numbers))
        document = build_memo(picked, found.matter, to, author or found.associate or "Research team", date.today())
        return Response(render(document, format), media_type=MEDIA_TYPES[format],
                        headers={"Content-Disposition": f'attachment; filename="memo-{conversation_id}.{format}"'})

    @app.get("/v1/review/queue", tags=["review"])
    def queue(ws: Walled, matter: str = "") -> list[dict]:
        """Answers awaiting review or approval, oldest first (others' grades hidden until you give yours)."""
        return [{"matter": q.matter, "associate": q.associate, **stored_record(q.stored, required)}
                for q in ws.reviews.queue(matter)]

    @app.post("/v1/answers/{answer_id}/grade", tags=["review"])
    def grade(answer_id: RecordId, body: GradeBody, ws: Walled) -> dict:
        """Grade an answer as yourself (your earlier grade of it is replaced)."""
        ws.reviews.record_grade(answer_id, Grade(ws.user.name, body.accuracy, body.completeness, body.clarity,
                                                 body.passed, dict(body.citation_marks), tuple(body.add_authorities),
                                                 body.comments))
        return stored_record(ws.reviews.answer(answer_id).stored, required)

    @app.post("/v1/answers/{answer_id}/approve", tags=["review"])
    def approve(answer_id: RecordId, body: ApproveBody, ws: Walled) -> dict:
        """Approve an answer once it has the reviews required (or by an admin's override)."""
        ws.reviews.approve(answer_id, edited_text=body.edited_text, override=body.override)
        return stored_record(ws.reviews.answer(answer_id).stored, required)

    @app.get("/v1/grades", tags=["review"])
    def grades(ws: Walled, format: Literal["jsonl", "csv"] = "jsonl") -> Response:  # noqa: A002
        """Every grade you may see, one record per grade."""
        records = grade_records(ws.reviews.with_grades())
        ws.conversations.note_export(f"grades {format}", grades=len(records))
        text = grades_csv(records) if format == "csv" else grades_jsonl(records)
        return Response(text, media_type=MEDIA_TYPES[format])

    @app.get("/v1/matters/{matter}/documents", tags=["documents"])
    def documents(matter: str, ws: Walled) -> list[dict]:
        """A matter's own documents."""
        return [_document_record(d) for d in ws.documents.documents(matter)]

    @app.post("/v1/matters/{matter}/documents", tags=["documents"], status_code=201)
    def upload(matter: str, ws: Walled, file: Annotated[UploadFile, File()]) -> dict:
        """Add a document (PDF, DOCX, TXT or Markdown) to a matter: searched and cited only inside it."""
        data = file.file.read()
        return _document_record(answering(lambda: service.add_document(ws, matter, file.filename or "", data)))

    @app.delete("/v1/documents/{document_id}", tags=["documents"])
    def delete_document(document_id: RecordId, ws: Walled) -> dict:
        """Delete a document with its passages and file (the audit keeps the fact)."""
        ws.documents.delete(document_id)
        return {"deleted": document_id}

    @app.get("/v1/audit", tags=["audit"])
    def audit(ws: Walled, matter: str | None = None, format: Literal["jsonl", "csv"] = "jsonl") -> Response:  # noqa: A002
        """A matter's audit records (a member's or an admin's view; every matter's: admins)."""
        records = ws.audit_records(matter, format)
        return Response(audit_csv(records) if format == "csv" else audit_jsonl(records), media_type=MEDIA_TYPES[format])

    return app


class _RateLimited(Exception):
    def __init__(self, wait: int):
        super().__init__(f"retry in {wait} s")
        self.wait = wait


def _document_record(document: Any) -> dict:
    return {"id": document.id, "matter": document.matter, "filename": document.filename, "pages": document.pages,
            "uploaded_by": document.uploaded_by, "uploaded_at": document.uploaded_at.isoformat()}


def _is_outage(exc: BaseException) -> bool:
    """Whether an unexpected error is a store being down (a 503 then), not a bug (a 500)."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(exc, (Unavailable, OperationalError, ConnectionError, TimeoutError)):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    name = type(exc).__name__
    return any(word in name for word in ("Connect", "Timeout", "Unavailable"))
