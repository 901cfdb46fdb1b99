"""The README: its pictures are files in the repository (small ones), and it keeps its two
commands."""

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
README = (REPO_ROOT / "README.md").read_text()
# ![alt text](path) and <img … src="path" …>
IMAGES = re.findall(r"!\[([^\]]*)\]\(([^)\s]+)\)", README)
HTML_IMAGES = re.findall(r"<img\b[^>]*\bsrc=\"([^\"]+)\"", README)
MAX_BYTES = 250_000  # scripts/readme_screenshots.py keeps them under it


def test_it_shows_three_screenshots_stored_in_docs():
    paths = [path for _, path in IMAGES] + HTML_IMAGES
    assert len(paths) >= 3
    assert all(path.startswith("docs/") for path in paths), paths


def test_every_image_it_links_to_exists_and_is_a_small_png():
    for _, path in IMAGES:
        file = REPO_ROOT / path
        assert file.is_file(), f"README.md shows {path}, which is not in the repository"
        assert file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
        assert file.stat().st_size <= MAX_BYTES, f"{path} is over {MAX_BYTES // 1000} KB"


def test_every_image_has_a_text_alternative():
    assert HTML_IMAGES == [], "use ![alt text](path), whose alt text this test checks"
    for alt, path in IMAGES:
        assert len(alt.split()) >= 3, f"{path} needs alt text that says what it shows"


def test_it_keeps_its_two_commands():
    commands = README.split("## The two commands", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"^make run\b", commands, re.MULTILINE)
    assert re.search(r"^make test\b", commands, re.MULTILINE)
