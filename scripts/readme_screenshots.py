"""The README's three screenshots, into docs/screenshots/: the home page, a comparison of roles
and a learner's progress on a roadmap, each one 1280 x 800 window in light mode.

Like scripts/screenshots.py (whose helpers it uses), it runs the site on a scratch SQLite
database with the real content and a signed-in learner with some progress, and drives
Chromium with Playwright. `make readme-screenshots` retakes them after the look changes.
They are PNGs of at most 250 KB each (tests/test_readme.py holds them to it): what Chromium
writes is squeezed with pngquant or optipng when either is installed.
"""

import shutil
import subprocess
import sys
from pathlib import Path

# scripts/screenshots.py, beside this script: the same browser, database and server set-up.
from screenshots import CHROMIUM_ARGS, CORE_FOUR, chromium, local_site

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
MAX_BYTES = 250_000
# (file name, path, signed in?, the element to scroll to the top of the window, or None)
SHOTS = [
    ("home", "/", False, None),
    ("compare", f"/compare/?{CORE_FOUR}", False, "#comparison"),
    ("roadmap-progress", "/roadmaps/data-scientist/", True, "h1"),
]


def shoot(base_url: str, session_key: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(), headless=True, args=CHROMIUM_ARGS
        )
        for name, path, signed_in, scroll_to in SHOTS:
            context = browser.new_context(
                base_url=base_url, viewport=VIEWPORT, color_scheme="light"
            )
            if signed_in:
                context.add_cookies([{"name": "sessionid", "value": session_key, "url": base_url}])
            page = context.new_page()
            page.goto(path)
            if scroll_to:
                page.locator(scroll_to).first.evaluate(
                    "element => window.scrollTo(0, element.getBoundingClientRect().top"
                    " + window.scrollY - 16)"
                )
            target = OUT / f"{name}.png"
            page.screenshot(path=target)
            context.close()
            written.append(target)
        browser.close()
    return written


def squeeze(png: Path) -> None:
    """Make the PNG smaller with whichever optimiser is installed (pngquant loses a little
    colour, invisibly for these pages; optipng loses nothing)."""
    if shutil.which("pngquant"):
        subprocess.run(
            ["pngquant", "--force", "--skip-if-larger", "--quality=70-95", "--output", png, png],
            check=False,
        )
    if shutil.which("optipng"):
        subprocess.run(["optipng", "-quiet", "-o2", png], check=False)


def main() -> None:
    with local_site() as (base_url, session_key):
        written = shoot(base_url, session_key)
    too_big = []
    for png in written:
        squeeze(png)
        size = png.stat().st_size
        print(f"  {png.relative_to(ROOT)}  {size // 1000} KB")
        if size > MAX_BYTES:
            too_big.append(png.name)
    if too_big:
        names = ", ".join(too_big)
        sys.exit(f"Over {MAX_BYTES // 1000} KB: {names}. Install pngquant or optipng.")


if __name__ == "__main__":
    main()
