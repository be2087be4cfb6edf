"""The explorer page in a real headless browser (Chromium driven by Playwright), as a reader
uses it: loaded from the file system, with no console error and no request, search and a filter
that change what is shown, an entity's view with its claims, and no horizontal scrolling at a
desktop's and a phone's width. Skipped, saying why, where Playwright or Chromium is missing
(`.ci/run` installs both)."""

from __future__ import annotations

import csv
import os
import shutil

import pytest
from conftest import ROOT

playwright = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'")
CHROMIUM = os.environ.get("CNRU_CHROMIUM") or shutil.which("chromium") or shutil.which(
    "chromium-browser")
if not CHROMIUM:
    pytest.skip("no Chromium to drive: apt-get install chromium (or set CNRU_CHROMIUM)",
                allow_module_level=True)
# no request may leave the machine: Chromium's own background traffic is switched off
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
VIEWS = ["overview", "claims", "entities", "entity/cn", "actions", "sources",
         "source/afp-bgnes", "disagreements"]


def csv_rows(name: str) -> list[dict]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def url(built) -> str:
    return (built / "index.html").as_uri()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        try:
            chromium = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except playwright.Error as error:
            pytest.skip(f"Chromium at {CHROMIUM} does not start: {str(error).splitlines()[0]}")
        yield chromium
        chromium.close()


class Visit:
    """A page with every console error and every request it made recorded."""

    def __init__(self, browser, url: str, width: int, height: int):
        self.url, self.errors, self.requests = url, [], []
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(url)

    def go(self, view: str) -> None:
        self.page.evaluate("view => { location.hash = view; }", "#" + view)
        self.page.wait_for_function("view => location.hash === view", arg="#" + view)

    def shown(self, selector: str) -> list[str]:
        return self.page.eval_on_selector_all(
            selector, "nodes => nodes.filter(n => n.offsetParent !== null)"
                      ".map(n => n.dataset.claim || n.dataset.entity || n.dataset.action)")

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def visit(browser, url):
    opened = Visit(browser, url, *WIDTHS["desktop"])
    yield opened
    opened.close()
    assert opened.errors == []
    assert opened.requests == [url], "the page asked for something besides itself"


def test_search_and_a_filter_change_the_claims_shown(visit):
    claims = csv_rows("claims")
    visit.go("claims")
    assert len(visit.shown("#claim-list > li")) == min(len(claims), 50)
    assert visit.page.inner_text("#claim-status").startswith(f"{len(claims)} claims match")

    visit.page.fill("#claim-search", "nitrocellulose")
    found = visit.shown("#claim-list > li")
    expected = {e["claim_id"] for e in csv_rows("claim_evidence")
                if "nitrocellulose" in e["quote"].lower()}
    assert found and set(found) <= {c["claim_id"] for c in claims}
    assert expected <= set(found)
    for text in visit.page.locator("#claim-list > li").all_inner_texts():
        assert "nitrocellulose" in text.lower()

    visit.page.fill("#claim-search", "")
    visit.page.select_option("#claim-stance", "denies")
    denials = sorted(c["claim_id"] for c in claims if c["stance"] == "denies")
    assert sorted(visit.shown("#claim-list > li")) == denials
    assert "stance = 'denies'" in visit.page.text_content("#claim-sql")


def test_an_entity_view_lists_the_claims_about_it(visit):
    visit.go("entities")
    visit.page.fill("#entity-search", "russia")
    assert "ru" in visit.shown("#entity-list > li")
    visit.page.click("#entity-list a[href='#entity/ru']")
    visit.page.wait_for_function("location.hash === '#entity/ru'")
    assert visit.page.inner_text("#view-entity h2") == "Russia"
    about = visit.page.evaluate("""() => [...document.querySelectorAll('#view-entity section')]
        .find(s => s.querySelector('h3').textContent.startsWith('Claims about'))
        .querySelectorAll('li[data-claim]').length""")
    expected = [c for c in csv_rows("claims") if "ru" in (c["subject_entity_id"],
                                                           c["object_entity_id"])]
    assert about == len(expected)


def test_every_action_is_counted_and_a_filter_narrows_them(visit):
    actions = csv_rows("actions")
    undated = sum(1 for a in actions if not a["action_date"])
    visit.go("actions")
    assert f"{undated} without a known date" in visit.page.inner_text("#action-status")
    assert len(visit.shown("#action-dated > li")) == len(actions) - undated
    visit.page.select_option("#action-type", "sanctions")
    shown = visit.shown("#action-dated > li") + visit.shown("#action-undated > li")
    assert sorted(shown) == sorted(a["action_id"] for a in actions
                                   if a["action_type"] == "sanctions")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_view_scrolls_sideways(browser, url, width, tmp_path):
    opened = Visit(browser, url, *WIDTHS[width])
    for view in VIEWS:
        opened.go(view)
        overflow = opened.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        opened.page.screenshot(path=str(tmp_path / f"{width}-{view.replace('/', '-')}.png"))
        assert overflow <= 0, f"#{view} at {WIDTHS[width][0]} px scrolls {overflow} px sideways"
    opened.page.emulate_media(media="print")
    assert opened.page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"
    opened.close()
    assert opened.errors == [] and opened.requests == [url]
    assert (tmp_path / f"{width}-claims.png").stat().st_size > 0

