"""Helpers for browser tests (Playwright pages from the `page` fixtures in conftest.py)."""

from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError


class _AxeOncePerDocument(Axe):
    """axe-playwright-python's runner, sending axe-core (570 KB) to a document only if it
    lacks it: the library sends it on every run, and checking a page in its second colour
    mode would parse it again (50–150 ms a run)."""

    def run(self, page, context=None, options=None) -> AxeResults:
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(self.axe_script)
        arguments = self._format_script_args(context=context, options=options)
        return AxeResults(page.evaluate(f"axe.run({arguments})"))


_axe = _AxeOncePerDocument()


def _selector(target) -> str:
    # A list of selectors steps into iframes or shadow roots: ["iframe", "#inner"].
    if isinstance(target, list):
        return " >>> ".join(_selector(part) for part in target)
    return str(target)


def assert_no_axe_violations(page, *, context=None, options=None, max_targets: int = 3) -> None:
    """Run axe-core on the page as it is now and fail with a readable summary of every
    violation: rule id, impact, what to fix, and the first few offending elements."""
    # Only violations come back with their elements: axe would otherwise send every passed
    # and inapplicable check's elements too, megabytes from an admin form.
    options = {"resultTypes": ["violations"], **(options or {})}
    violations = _axe.run(page, context=context, options=options).response["violations"]
    if not violations:
        return
    mode = _colour_mode(page)
    lines = [f"{len(violations)} accessibility violation(s) on {page.url} in {mode} mode:"]
    for violation in violations:
        nodes = violation["nodes"]
        targets = ", ".join(_selector(node["target"]) for node in nodes[:max_targets])
        more = f" (+{len(nodes) - max_targets} more)" if len(nodes) > max_targets else ""
        lines.append(
            f"  - {violation['id']} [{violation.get('impact') or 'n/a'}]: {violation['help']}\n"
            f"      {targets}{more}\n"
            f"      {violation.get('helpUrl', '')}"
        )
    raise AssertionError("\n".join(lines))


def _colour_mode(page) -> str:
    """The colour mode the browser reports to the page, as the system's preference."""
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    return "dark" if dark else "light"


def switch_colour_mode(page, mode: str) -> None:
    """Show the open page as the browser would with the system set to `mode` ("light" or
    "dark"), without loading it again: the site's colours (theme.js) and the admin's follow
    the system's preference as it changes. Returns once the site's theme has followed and
    the colours' transitions have ended, so axe measures the contrast of the final colours.
    The page is told its reader prefers reduced motion, which the site's and Bootstrap's
    transitions honour: the colours change at once instead of over 150 ms."""
    page.emulate_media(color_scheme=mode, reduced_motion="reduce")
    try:
        page.wait_for_function(_SETTLED_IN_MODE, arg=mode, timeout=5_000)
    except PlaywrightTimeoutError:
        theme = page.locator("html").get_attribute("data-bs-theme")
        raise AssertionError(f"{page.url} still shows {theme} colours in {mode} mode") from None


# The site's theme (if the page has one) is `mode`'s, and no colour is still changing:
# getAnimations() brings styles up to date first, so it lists the transitions just begun.
_SETTLED_IN_MODE = """mode => {
    const theme = document.documentElement.dataset.bsTheme;
    return (theme === undefined || theme === mode)
        && !document.getAnimations().some(animation => animation instanceof CSSTransition);
}"""


def assert_no_axe_violations_in_light_and_dark(page, **axe) -> None:
    """`assert_no_axe_violations` in the colour mode the page shows, then in the other one,
    switched without loading the page again; the page is left in the mode it was in."""
    first = _colour_mode(page)
    second = "light" if first == "dark" else "dark"
    theme = page.locator("html").get_attribute("data-bs-theme")
    assert theme in (None, first), f"{page.url} shows {theme} colours in {first} mode"
    assert_no_axe_violations(page, **axe)
    switch_colour_mode(page, second)
    assert_no_axe_violations(page, **axe)
    switch_colour_mode(page, first)


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the site's form; the learner lands on their dashboard."""
    page.goto("/accounts/login/")
    main = page.get_by_role("main")
    main.get_by_label("Email").fill(email)
    main.get_by_label("Password").fill(password)
    main.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def sign_up(page, email: str, password: str) -> None:
    """Sign up through the site's form; the new learner lands on their dashboard."""
    page.goto("/accounts/signup/")
    main = page.get_by_role("main")
    main.get_by_label("Email").fill(email)
    main.locator("#id_password1").fill(password)
    main.locator("#id_password2").fill(password)
    main.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/dashboard/")
