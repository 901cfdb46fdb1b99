"""Checking learning resources' links: does each address still answer?

Editors choose the addresses, so the checker is careful with them. It only sends HEAD (and GET
when a server refuses HEAD), reads status lines and headers but never a body, follows at most a
few redirects itself (httpx reads the body of each redirect it follows), gives each link a
deadline for all of its requests together, and by default refuses addresses on this machine
or its private networks. It keeps nothing from an answer but its status code.
"""

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import ContentVersion
from core.validators import is_web_url
from roadmaps.models import LinkStatus, Resource

REDIRECTS = {301, 302, 303, 307, 308}
# Servers that answer HEAD with these may still serve the page to GET.
HEAD_REFUSED = {403, 405, 501}
MAX_REDIRECTS = 5


def user_agent() -> str:
    site = f"; +{settings.SITE_URL}" if settings.SITE_URL else ""
    return f"MLCareerPaths-LinkChecker/1.0 (checks learning resources' links{site})"


@dataclass(frozen=True)
class LinkCheck:
    """What one address answered: working (True), broken (False), or could not tell (None:
    the server asked us to slow down), with the problem in a few words."""

    ok: bool | None
    problem: str = ""


class LinkProblem(Exception):
    """An address that is broken for a reason other than its status code."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone is not an address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def _refuse_private(url: httpx.URL) -> None:
    """Refuse an address on this machine or a private network, by name or by what the name
    resolves to (it is resolved again to connect, so this narrows rather than closes the
    window for a name whose records change in between)."""
    host = url.host
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, None, type=socket.SOCK_STREAM
            )
        except OSError:
            raise LinkProblem("address not found") from None
        addresses = [info[4][0] for info in infos]
    if not addresses or not all(_is_public(address) for address in addresses):
        raise LinkProblem("private address, not checked")


async def _status(client: httpx.AsyncClient, method: str, url: str, *, allow_private: bool):
    """The status code `url` answers `method` with, after following redirects."""
    target = httpx.URL(url)
    for _ in range(MAX_REDIRECTS + 1):
        if target.scheme not in ("http", "https"):
            raise LinkProblem("not a web address")
        if not allow_private:
            await _refuse_private(target)
        # The body is never read: leaving the block closes the connection.
        async with client.stream(method, target) as response:
            status, location = response.status_code, response.headers.get("location")
        if status not in REDIRECTS or not location:
            return status
        target = target.join(location)
    raise LinkProblem("too many redirects")


async def check_url(client: httpx.AsyncClient, url: str, *, timeout: float, allow_private: bool):
    """Check one address within `timeout` seconds for all its requests together."""
    try:
        async with asyncio.timeout(timeout):
            status = await _status(client, "HEAD", url, allow_private=allow_private)
            if status in HEAD_REFUSED:
                status = await _status(client, "GET", url, allow_private=allow_private)
    except (TimeoutError, httpx.TimeoutException):
        return LinkCheck(False, "timed out")
    except LinkProblem as problem:
        return LinkCheck(False, str(problem))
    except httpx.ConnectError as error:
        return LinkCheck(False, "TLS error" if "SSL" in str(error) else "could not connect")
    except httpx.InvalidURL:
        return LinkCheck(False, "not a web address")
    except httpx.HTTPError:
        return LinkCheck(False, "bad answer")
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        return LinkCheck(None, "rate limited")
    if status >= 400:
        try:
            return LinkCheck(False, f"{status} {HTTPStatus(status).phrase}")
        except ValueError:
            return LinkCheck(False, str(status))
    return LinkCheck(True)


async def check_urls(
    urls, *, concurrency: int = 8, timeout: float = 10.0, allow_private: bool = False
) -> dict[str, LinkCheck]:
    """Check each address once, at most `concurrency` at a time."""
    limit = asyncio.Semaphore(concurrency)
    client = httpx.AsyncClient(
        headers={"User-Agent": user_agent(), "Accept": "*/*"},
        timeout=httpx.Timeout(timeout),
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        follow_redirects=False,
    )

    async def checked(url: str) -> tuple[str, LinkCheck]:
        async with limit:
            return url, await check_url(client, url, timeout=timeout, allow_private=allow_private)

    async with client:
        return dict(await asyncio.gather(*(checked(url) for url in set(urls))))


@dataclass(frozen=True)
class LinkSummary:
    checked: int
    ok: int
    broken: list[Resource]
    undecided: int
    seconds: float

    def __str__(self):
        undecided = f", {self.undecided} could not tell" if self.undecided else ""
        return (
            f"Checked {self.checked} links in {self.seconds:.1f} s: {self.ok} ok, "
            f"{len(self.broken)} broken{undecided}."
        )


def links_check(
    *,
    stale_days: int | None = None,
    concurrency: int = 8,
    timeout: float = 10.0,
    allow_private: bool = False,
) -> LinkSummary:
    """Check resources' links (all, or those not checked for `stale_days`) and record what
    each answered. When a link turns broken or works again, the content version is bumped
    once, so roadmap pages show it."""
    started, now = time.monotonic(), timezone.now()
    resources = Resource.objects.all()
    if stale_days is not None:
        resources = resources.unchecked_since(now - timedelta(days=stale_days))
    resources = list(resources.order_by("pk"))
    web = [resource.url for resource in resources if is_web_url(resource.url)]
    results = asyncio.run(
        check_urls(web, concurrency=concurrency, timeout=timeout, allow_private=allow_private)
    )
    recorded, shown_differently, ok, broken, undecided = [], False, 0, [], 0
    for resource in resources:
        result = results.get(resource.url, LinkCheck(False, "not a web address"))
        if result.ok is None:
            undecided += 1
            continue
        was_broken = resource.link_is_broken
        resource.link_status = LinkStatus.OK if result.ok else LinkStatus.BROKEN
        resource.link_problem = result.problem
        resource.link_checked_at = now
        resource.link_checked_url = resource.url
        recorded.append(resource)
        shown_differently |= was_broken != resource.link_is_broken
        if result.ok:
            ok += 1
        else:
            broken.append(resource)
    with transaction.atomic():
        # Only the check's own fields: an address an editor changed meanwhile keeps its
        # change, and counts as not checked (the checked address differs from it).
        Resource.objects.bulk_update(
            recorded,
            ["link_status", "link_problem", "link_checked_at", "link_checked_url"],
            batch_size=200,
        )
        if shown_differently:
            ContentVersion.bump()  # bulk_update sends no signals
    return LinkSummary(len(resources), ok, broken, undecided, time.monotonic() - started)
