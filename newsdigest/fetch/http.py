"""HTTP as a polite crawler does it: robots.txt obeyed, one request at a time per host with a pause, retries
that wait as servers ask, time and size limits on every response."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx
from protego import Protego

from ..config import FetchSettings

RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_REDIRECTS = 10
# A whole response, headers to last byte, may take this many times the timeout (a body trickling in slowly).
WHOLE_RESPONSE_TIMEOUTS = 4
# Waits before retrying grow from this many seconds: 1, 2, 4, ...
BACKOFF_SECONDS = 1.0
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/feed+json,"
    "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
)


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str:
        """The charset the server declared, if any."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset":
                return value.strip().strip("\"'")
        return ""


class FetchError(Exception):
    """A request that gave nothing usable, said for the report; `lasting` when asking again will not help."""

    def __init__(self, problem: str, lasting: bool = False, status: int = 0):
        super().__init__(problem)
        self.lasting, self.status = lasting, status


class PoliteClient:
    """GET for many threads at once: one request in flight per host, and `delay` seconds between them."""

    def __init__(
        self,
        settings: FetchSettings,
        user_agent: str,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.settings, self.user_agent, self._sleep, self._clock = settings, user_agent, sleep, clock
        # The product token, which robots.txt groups are matched against.
        self.robots_name = user_agent.split("/")[0].split()[0] if user_agent.strip() else "newsdigest"
        timeout = httpx.Timeout(settings.timeout, connect=settings.timeout)
        self._client = httpx.Client(
            headers={"User-Agent": user_agent, "Accept": ACCEPT},
            timeout=timeout,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            trust_env=False,
        )
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Response:
        """The response to a GET of url, following redirects; a 304 is returned, any other 3xx-5xx raised."""
        host = self._host(url)
        if not host.robots(self).can_fetch(url, self.robots_name):
            raise FetchError(
                f"robots.txt of {urlsplit(url).netloc} does not allow {self.robots_name} to read it",
                lasting=True,
            )
        return self._with_retries(host, url, dict(headers or {}))

    def _with_retries(self, host: _Host, url: str, headers: dict[str, str]) -> Response:
        for attempt in range(self.settings.retries + 1):
            try:
                response = self._paced(host, url, headers)
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as error:
                problem, wait = _transport_problem(error), BACKOFF_SECONDS * 2**attempt
            else:
                if response.status not in RETRY_STATUSES:
                    return _checked(response)
                problem = (
                    f"the server answered {response.status} {httpx.codes.get_reason_phrase(response.status)}"
                )
                wait = retry_after(response.headers, time.time()) or BACKOFF_SECONDS * 2**attempt
            if attempt == self.settings.retries:
                break
            if wait > self.settings.max_wait:
                raise FetchError(
                    f"{problem}, and asks to wait {wait:.0f} s; it is tried again on the next run"
                )
            self._sleep(wait)
        tries = self.settings.retries + 1
        raise FetchError(f"{problem} ({tries} {'try' if tries == 1 else 'tries'})")

    def _paced(self, host: _Host, url: str, headers: dict[str, str]) -> Response:
        with host.lock:
            pause = host.next_request - self._clock()
            if pause > 0:
                self._sleep(pause)
            try:
                return self._read(url, headers)
            finally:
                host.next_request = self._clock() + max(self.settings.delay, host.crawl_delay)

    def _read(self, url: str, headers: dict[str, str]) -> Response:
        limit, deadline = (
            self.settings.max_bytes,
            self._clock() + WHOLE_RESPONSE_TIMEOUTS * self.settings.timeout,
        )
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise FetchError(
                        f"the response is {int(declared) / 1e6:.1f} MB, more than max_bytes "
                        f"({limit / 1e6:.1f} MB)",
                        lasting=True,
                    )
                chunks, size = [], 0
                # Decoded as it arrives (gzip, deflate, brotli): a compressed bomb stops here.
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(
                            f"the response is more than max_bytes ({limit / 1e6:.1f} MB) once decompressed",
                            lasting=True,
                        )
                    if self._clock() > deadline:
                        raise FetchError(
                            f"the response was still arriving after "
                            f"{WHOLE_RESPONSE_TIMEOUTS * self.settings.timeout:.0f} s"
                        )
                    chunks.append(chunk)
                return Response(str(response.url), response.status_code, response.headers, b"".join(chunks))
        except httpx.TooManyRedirects:
            raise FetchError(
                f"more than {MAX_REDIRECTS} redirects (a redirect loop?)", lasting=True
            ) from None
        except httpx.DecodingError as error:
            raise FetchError(f"the response's compressed body is broken: {error}") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.LocalProtocolError) as error:
            raise FetchError(f"not a URL that can be fetched: {error}", lasting=True) from None

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}".lower()
        with self._hosts_lock:
            return self._hosts.setdefault(key, _Host(key))


class _Host:
    """One host's pacing and its robots.txt rules, read once per run."""

    def __init__(self, origin: str):
        self.origin = origin
        self.lock = threading.RLock()
        self.next_request = 0.0
        self.crawl_delay = 0.0
        self._rules: Protego | None = None

    def robots(self, client: PoliteClient) -> Protego:
        with self.lock:
            if self._rules is None:
                self._rules = self._read_robots(client)
                delay = self._rules.crawl_delay(client.robots_name)
                self.crawl_delay = min(float(delay or 0), client.settings.max_wait)
                # The pause after robots.txt itself is the one its rules ask for.
                self.next_request += max(0.0, self.crawl_delay - client.settings.delay)
            return self._rules

    def _read_robots(self, client: PoliteClient) -> Protego:
        """As RFC 9309 says: a robots.txt that is missing (4xx) allows all; one that cannot be read (5xx, no
        answer) allows nothing, for now."""
        try:
            response = client._with_retries(self, f"{self.origin}/robots.txt", {})
            return Protego.parse(response.body.decode("utf-8", "replace"))
        except FetchError as error:
            if error.status // 100 == 4:
                return Protego.parse("")
            raise FetchError(
                f"its robots.txt could not be read ({error}), so nothing of "
                f"{urlsplit(self.origin).netloc} is read this run"
            ) from None


def _checked(response: Response) -> Response:
    if response.status < 300 or response.status == 304:
        return response
    reason = httpx.codes.get_reason_phrase(response.status)
    raise FetchError(
        f"the server answered {response.status} {reason}",
        lasting=response.status == 410,
        status=response.status,
    )


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds a Retry-After header asks for (a number of seconds or an HTTP date), if it is there."""
    value = headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now) if value else None
    except (TypeError, ValueError):
        return None


def _transport_problem(error: Exception) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "no answer in time (timeout)"
    return f"the connection failed ({type(error).__name__}: {error or 'no detail'})"
