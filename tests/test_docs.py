"""The front door and the manual: a README a newcomer reads in five minutes, the manual by
reader in docs/, and every link between them resolves (file and heading)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.synth import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "client" / "README.md"]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # no headings inside code blocks
    return {slug(m[1]) for m in re.finditer(r"^#{1,6} (.+)$", text, flags=re.MULTILINE)}


def links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [m[1] for m in LINK.finditer(text) if not m[1].startswith(("http:", "https:"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_resolves(page: Path) -> None:
    for link in links(page):
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        assert path.exists(), f"{page.name}: {link}: no such file"
        if anchor:
            assert anchor in anchors(path), f"{page.name}: {link}: no such heading"


def test_the_check_finds_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Page\n\n[a](#page) [b](#nowhere) [c](missing.md)\n", encoding="utf-8")
    assert links(page) == ["#page", "#nowhere", "missing.md"]
    assert anchors(page) == {"page"}


def test_the_readme_is_a_front_door() -> None:
    """At most 300 lines; it links every page of the manual."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 300
    for page in (ROOT / "docs").glob("*.md"):
        assert f"docs/{page.name}" in readme, page.name


def test_the_runbook_the_alarms_name_is_reachable() -> None:
    """Alarm descriptions and e-mails say "README.md, section 'Runbook'"."""
    assert "runbook" in anchors(ROOT / "README.md")
    assert "docs/operator.md#runbook" in links(ROOT / "README.md")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_test_file_a_page_names_exists(page: Path) -> None:
    """A page that names a test file names one that is there (the manual once listed some that
    had moved or never existed); the inventory of the tests goes by folder, not by file."""
    tests = {path.name for path in (ROOT / "tests").rglob("test_*.py")}
    tests |= {path.name for path in (ROOT / "client" / "tests").rglob("test_*.py")}
    named = set(re.findall(r"\btest_\w+\.py\b", page.read_text(encoding="utf-8")))
    assert named <= tests, sorted(named - tests)
