"""End to end in a real browser: the app on 127.0.0.1, Debian's headless Chromium driven by Playwright.

Chromium comes from Debian's package (installed here when missing: `apt-get install -y chromium`);
Playwright only drives it, no browser is downloaded. The screenshot is kept in test-artifacts/.
"""

from __future__ import annotations

import os
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
def served_app(dc_slice_settings, tmp_path):
    port = _free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RESEARCH_SETTINGS_FILE": str(tmp_path / "none.toml"),
           "RESEARCH_DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}"}
    env.update({f"RESEARCH_{key.upper()}": str(value) for key, value in dc_slice_settings.items()})
    streamlit = Path(sys.executable).with_name("streamlit")
    process = subprocess.Popen(
        [str(streamlit), "run", "app.py", "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail(f"the app did not start: {process.stdout.read().decode()[-2000:]}")
    yield url
    process.terminate()
    process.wait(timeout=20)


def test_a_question_about_a_real_statute_renders_its_citation_and_passage(served_app):
    from playwright.sync_api import expect, sync_playwright

    executable = _ensure_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(served_app)
        matter = page.get_by_label("Matter")
        matter.fill("Browser test: anti-SLAPP")
        matter.press("Enter")
        chat = page.get_by_placeholder("Ask a research question")
        chat.fill(QUESTION)
        chat.press("Enter")
        expect(page.get_by_text("Brief answer.")).to_be_visible(timeout=180_000)
        citation = page.locator("summary", has_text="D.C. Code § 16-5502").first
        expect(citation).to_be_visible()
        expect(page.get_by_text("Draft - needs attorney review").first).to_be_visible()
        citation.click()
        highlighted = page.locator("mark", has_text="45 days").first
        expect(highlighted).to_be_visible(timeout=30_000)
        highlighted.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "browser-answer.png"), full_page=True)
        browser.close()
    assert (ARTIFACTS / "browser-answer.png").stat().st_size > 10_000
