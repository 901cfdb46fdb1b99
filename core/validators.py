"""The links editors may enter, checked in one place for every content model: a path on this
site (where a link should stay on the site) or an http(s) address (where a link is meant to go
elsewhere, such as a learning resource). Nothing else is ever rendered into an `href`."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

SITE_PATH_MESSAGE = (
    "Enter a path on this site that starts with a single “/”, such as /roles/data-scientist/ "
    "or /#all-roles-require: no “https://”, no other site, no spaces or backslashes."
)
WEB_URL_MESSAGE = "Enter a full web address that starts with https:// (or http://)."

_web_url = URLValidator(schemes=["http", "https"], message=WEB_URL_MESSAGE)


def _has_unsafe_characters(value: str) -> bool:
    # Browsers strip tabs and newlines from URLs and read "\" as "/", so "/\evil.example"
    # would leave the site.
    return "\\" in value or any(ord(char) <= 32 or ord(char) == 127 for char in value)


def is_site_path(value: str) -> bool:
    """A path on this site: "/" then anything but a second "/", with no scheme or host."""
    if not value.startswith("/") or value.startswith("//") or _has_unsafe_characters(value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def is_web_url(value: str) -> bool:
    """An absolute http(s) address."""
    try:
        validate_web_url(value)
    except ValidationError:
        return False
    return True


def validate_site_path(value: str) -> None:
    if not is_site_path(value):
        raise ValidationError(SITE_PATH_MESSAGE, code="site_path")


def validate_web_url(value: str) -> None:
    if _has_unsafe_characters(value):
        raise ValidationError(WEB_URL_MESSAGE, code="web_url")
    _web_url(value)
