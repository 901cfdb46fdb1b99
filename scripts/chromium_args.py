"""How the project launches Chromium: shared by the browser tests (tests/conftest.py) and
scripts/screenshots.py, so both run the browser the same way."""

# Containers and CI often have no sandbox, no GPU and a small /dev/shm; the rest keeps the
# browser from reaching out on its own while a page is tested.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
