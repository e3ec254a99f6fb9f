"""End to end in a real browser: the app on 127.0.0.1, Debian's headless Chromium driven by Playwright.

Chromium comes from Debian's package (installed here when missing: `apt-get install -y chromium`);
Playwright only drives it, no browser is downloaded. The screenshot is kept in test-artifacts/.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from research.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
QUESTION = "Can a defendant sued over advocacy on public issues file a special motion to dismiss, and by when?"
LEASE = ("Lease between Anacostia Lantern Keepers LLC and Tenant.\n\n"
         "The tenant must give the landlord ninety days written notice before the tenant vacates the apartment.\n")
LEASE_QUESTION = "How many days of written notice must the tenant give the landlord before vacating under the lease?"


def _ensure_chromium() -> str:
    if not Path(CHROMIUM).exists():
        install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
        if subprocess.run(install, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update"], capture_output=True)
            subprocess.run(install, capture_output=True, check=True)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve(dc_slice_settings, tmp_path):
    """Start the app on a free port with the firm of tests.conftest in its database; returns its URL."""
    from research.settings import Settings
    from research.wiring import open_app_database
    from tests.conftest import Firm

    processes = []

    def start(**extra_env: str) -> str:
        port = _free_port()
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "RESEARCH_SETTINGS_FILE": str(tmp_path / "none.toml"),
               "RESEARCH_DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
               "RESEARCH_AUDIT_KEY_FILE": str(tmp_path / "audit.key"), **extra_env}
        env.update({f"RESEARCH_{key.upper()}": str(value) for key, value in dc_slice_settings.items()})
        Firm(open_app_database(Settings(**dc_slice_settings, database_url=env["RESEARCH_DATABASE_URL"],
                                        audit_key_file=tmp_path / "audit.key")))
        streamlit = Path(sys.executable).with_name("streamlit")
        log = tmp_path / f"app-{port}.log"  # a file, not a pipe: a full pipe would stall the app
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [str(streamlit), "run", "app.py", "--server.headless", "true", "--server.address", "127.0.0.1",
                 "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                return url
            except OSError:
                time.sleep(0.5)
        process.kill()
        pytest.fail(f"the app did not start: {log.read_text(errors='replace')[-2000:]}")

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def chromium():
    """Debian's headless Chromium, driven by Playwright (screenshots go to test-artifacts/)."""
    from playwright.sync_api import sync_playwright

    executable = _ensure_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def served_app(serve):
    return serve()


def _sign_in(page, url: str, name: str) -> None:
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD

    page.goto(url)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_placeholder("Ask a research question")).to_be_visible(timeout=60_000)


def _choose_matter(page, matter: str) -> None:
    page.get_by_label("Matter").click()
    page.get_by_role("option", name=matter).click()


def _grade_all_correct_and_pass(page) -> None:
    """Mark each citation of the Review page's grade form correct (none is marked for the reviewer) and pass it."""
    # the accessible name keeps the label's Markdown escapes: "\\[1\\] D.C. Code § 99-101(b)"
    marks = page.get_by_role("combobox", name=re.compile(r"^\\?\[\d+\\?\] "))
    for i in range(marks.count()):
        marks.nth(i).click()
        page.keyboard.type("correct")  # the list filtered to the one mark, chosen with Enter
        page.keyboard.press("Enter")
    page.get_by_text("Pass", exact=True).click()


def _ask(page, question: str) -> None:
    chat = page.get_by_placeholder("Ask a research question")
    chat.fill(question)
    chat.press("Enter")


def test_a_question_about_a_real_statute_renders_its_citation_and_passage(served_app, chromium):
    from playwright.sync_api import expect

    from tests.conftest import Firm

    page = chromium.new_page(viewport={"width": 1400, "height": 1800})
    page.goto(served_app)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    expect(page.get_by_placeholder("Ask a research question")).to_have_count(0)
    _sign_in(page, served_app, "Amy")
    _choose_matter(page, Firm.LANTERN)
    _ask(page, QUESTION)
    expect(page.get_by_text("Brief answer.")).to_be_visible(timeout=180_000)
    citation = page.locator("summary", has_text="D.C. Code § 16-5502").first
    expect(citation).to_be_visible()
    expect(page.get_by_text("Draft - needs attorney review").first).to_be_visible()
    citation.click()
    highlighted = page.locator("mark", has_text="45 days").first
    expect(highlighted).to_be_visible(timeout=30_000)
    highlighted.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "browser-answer.png"), full_page=True)
    assert (ARTIFACTS / "browser-answer.png").stat().st_size > 10_000


def test_an_uploaded_document_is_cited_in_its_matter_and_walled_from_another(served_app, chromium, tmp_path):
    from playwright.sync_api import expect

    from tests.conftest import Firm

    lease = tmp_path / "lease.txt"
    lease.write_text(LEASE, encoding="utf-8")
    page = chromium.new_page(viewport={"width": 1400, "height": 1800})
    _sign_in(page, served_app, "Amy")
    _choose_matter(page, Firm.LANTERN)
    page.locator("input[type=file]").set_input_files(str(lease))
    expect(page.get_by_text("Added lease.txt")).to_be_visible(timeout=120_000)
    _ask(page, LEASE_QUESTION)
    expect(page.get_by_text("Brief answer.")).to_be_visible(timeout=180_000)
    cited = page.locator("summary", has_text="lease.txt").first
    expect(cited).to_be_visible()
    cited.click()
    quoted = page.locator("mark", has_text="ninety days written notice").first
    expect(quoted).to_be_visible(timeout=30_000)
    expect(page.get_by_text("law: uploaded to the matter").first).to_be_visible()
    quoted.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "browser-upload.png"), full_page=True)

    other = chromium.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    _sign_in(other, served_app, "Otto")
    other.get_by_label("Matter").click()
    expect(other.get_by_role("option", name=Firm.GOAT)).to_be_visible()
    expect(other.get_by_role("option", name=Firm.LANTERN)).to_have_count(0)
    other.keyboard.press("Escape")
    other.get_by_role("link", name="History").click()
    expect(other.get_by_text("No conversations yet.")).to_be_visible(timeout=30_000)
    expect(other.get_by_text("lease")).to_have_count(0)
    other.screenshot(path=str(ARTIFACTS / "browser-wall.png"), full_page=True)
    assert (ARTIFACTS / "browser-upload.png").stat().st_size > 10_000


def test_review_is_blind_and_every_answer_shows_its_status(serve, chromium):
    from playwright.sync_api import expect

    from tests.conftest import Firm

    url = serve(RESEARCH_REVIEW__REVIEWS_REQUIRED="2")

    def signed_in(name: str):
        page = chromium.new_context(viewport={"width": 1400, "height": 1400}).new_page()
        _sign_in(page, url, name)
        return page

    amy = signed_in("Amy")
    _choose_matter(amy, Firm.LANTERN)
    _ask(amy, QUESTION)
    expect(amy.get_by_text("Brief answer.")).to_be_visible(timeout=180_000)

    rex = signed_in("Rex")
    rex.get_by_role("link", name="Review").click()
    expect(rex.get_by_text("Status: draft")).to_be_visible(timeout=60_000)
    rex.get_by_role("button", name="Save grade", exact=True).click()
    expect(rex.get_by_text("choose Pass or Fail")).to_be_visible(timeout=60_000)  # nothing vouched for untouched
    _grade_all_correct_and_pass(rex)
    rex.get_by_role("button", name="Save grade", exact=True).click()
    expect(rex.get_by_text("Grade saved for Rex.")).to_be_visible(timeout=60_000)

    ada = signed_in("Ada")
    ada.get_by_role("link", name="Review").click()
    expect(ada.get_by_text("Status: in review (1 of 2 reviews)")).to_be_visible(timeout=60_000)
    hidden = ada.get_by_text("1 other review(s) of this answer are hidden")
    expect(hidden).to_be_visible()
    expect(ada.get_by_text("Rex: pass")).to_have_count(0)
    hidden.scroll_into_view_if_needed()
    ada.screenshot(path=str(ARTIFACTS / "browser-blind-review.png"), full_page=True)
    _grade_all_correct_and_pass(ada)
    ada.get_by_role("button", name="Save grade", exact=True).click()
    expect(ada.get_by_text("Grades so far: Rex: pass; Ada: pass")).to_be_visible(timeout=60_000)
    expect(ada.get_by_text("Status: reviewed, awaiting approval")).to_be_visible()

    amy.get_by_role("link", name="History").click()
    expect(amy.get_by_text("1 graded")).to_be_visible(timeout=60_000)
    amy.screenshot(path=str(ARTIFACTS / "browser-status.png"), full_page=True)
    assert (ARTIFACTS / "browser-blind-review.png").stat().st_size > 10_000


def test_a_document_is_checked_on_its_page(served_app, chromium, tmp_path):
    from playwright.sync_api import expect

    brief = tmp_path / "brief.txt"
    brief.write_text("A defendant may move to dismiss \"within 45 days after service of the claim.\" D.C. Code § "
                     "16-5502(a). The special motion to dismiss is filed within 45 days after service of the claim. "
                     "Id. The court must rule at once, D.C. Code § 16-5502(z). Miranda v. Arizona, 384 U.S. "
                     "436 (1966).", encoding="utf-8")
    page = chromium.new_page(viewport={"width": 1400, "height": 1100})
    _sign_in(page, served_app, "Amy")
    page.get_by_role("link", name="Check a document").click()
    expect(page.get_by_role("heading", name="Check a document")).to_be_visible(timeout=60_000)
    page.locator("input[type=file]").set_input_files(str(brief))
    expect(page.get_by_text("Download the report (Markdown)")).to_be_visible(timeout=120_000)
    values = page.get_by_test_id("stMetricValue")
    expect(values.nth(0)).to_have_text("4")  # citations
    expect(values.nth(1)).to_have_text("3")  # found in the corpus: § 16-5502(a), Id., (z); Miranda is not
    expect(values.nth(2)).to_have_text("1")  # with problems: the pin (z)
    expect(page.locator("[data-testid='stDataFrame']").first).to_be_visible()  # the problems
    page.get_by_text("Every citation, in order (4)").click()  # and all four, those that check out too
    expect(page.locator("[data-testid='stDataFrame']").nth(1)).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "browser-check.png"), full_page=True)
    assert (ARTIFACTS / "browser-check.png").stat().st_size > 10_000


def test_a_reload_keeps_the_user_signed_in_until_they_sign_out(served_app, chromium):
    from playwright.sync_api import expect

    from tests.conftest import Firm

    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    _sign_in(page, served_app, "Amy")
    _choose_matter(page, Firm.LANTERN)
    _ask(page, QUESTION)
    expect(page.get_by_text("Brief answer.")).to_be_visible(timeout=180_000)
    page.reload()  # signed in still, with the conversation open
    expect(page.get_by_text("Signed in as Amy")).to_be_visible(timeout=60_000)
    expect(page.get_by_text(QUESTION)).to_be_visible(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "browser-reload.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
    page.reload()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Signed in as")).to_have_count(0)
