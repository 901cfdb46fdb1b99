"""Helpers for browser tests (Playwright pages from the `page` fixtures in conftest.py)."""

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()


def _selector(target) -> str:
    # A list of selectors steps into iframes or shadow roots: ["iframe", "#inner"].
    if isinstance(target, list):
        return " >>> ".join(_selector(part) for part in target)
    return str(target)


def assert_no_axe_violations(page, *, context=None, options=None, max_targets: int = 3) -> None:
    """Run axe-core on the page as it is now and fail with a readable summary of every
    violation: rule id, impact, what to fix, and the first few offending elements."""
    kwargs = {"context": context}
    if options is not None:
        kwargs["options"] = options
    violations = _axe.run(page, **kwargs).response["violations"]
    if not violations:
        return
    lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
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


def sign_up(page, email: str, password: str) -> None:
    """Sign up through the site's form; the new learner lands on their dashboard."""
    page.goto("/accounts/signup/")
    main = page.get_by_role("main")
    main.get_by_label("Email").fill(email)
    main.locator("#id_password1").fill(password)
    main.locator("#id_password2").fill(password)
    main.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/dashboard/")
