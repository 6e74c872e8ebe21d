"""A supplier's browser for the topology test: plain HTTP from a chosen loopback address
(127.0.0.1, 127.0.0.2, ...: Linux answers on all of 127/8), so nginx sees different
clients; cookies kept, forms and files posted, redirects not followed.

Every request is timed, and a broken one (connection refused or cut, a 502 from the
proxy) is the caller's to retry, as a person would press reload.
"""

from __future__ import annotations

import http.client
import re
import secrets
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
VERSION = re.compile(r'name="draft_version"[^>]*value="(\d+)"'
                     r'|value="(\d+)"[^>]*name="draft_version"')
SUBMISSION = re.compile(r'name="submission_id" value="([^"]+)"')
RECEIPT = re.compile(r'class="receipt">([^<]+)<')


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("location", "")).path

    @property
    def upstream(self) -> str:
        """The app server nginx took the answer from (its X-Upstream header)."""
        return self.headers.get("x-upstream", "")

    def csrf(self) -> str:
        return CSRF.search(self.text).group(1)

    def version(self) -> str:
        return next(g for g in VERSION.search(self.text).groups() if g)


@dataclass
class Browser:
    base: str
    address: str = "127.0.0.1"
    timeout: float = 90
    cookies: dict[str, str] = field(default_factory=dict)
    #: every answer: (when it ended, seconds taken, status, app server), shared by the
    #: browsers of one phase
    log: list[tuple[float, float, int, str]] = field(default_factory=list)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Page:
        """One request on a new connection; raises OSError or HTTPException when cut."""
        parts = urlsplit(self.base)
        sent = {"Accept-Language": "sv", "Connection": "close", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(parts.hostname, parts.port,
                                                timeout=self.timeout,
                                                source_address=(self.address, 0))
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            data = answer.read()
            cookies = answer.headers.get_all("Set-Cookie") or []
            page = Page(answer.status, {k.lower(): v for k, v in answer.headers.items()},
                        data, time.monotonic() - started)
        finally:
            connection.close()
        self.log.append((time.monotonic(), page.seconds, page.status, page.upstream))
        for line in cookies:
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return page

    def get(self, path: str, **headers: str) -> Page:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, fields: dict[str, str | list[str]],
             files: dict[str, tuple[str, bytes, str]] | None = None) -> Page:
        """A form post: urlencoded, or multipart when there are files."""
        if not files:
            return self.request("POST", path, urlencode(fields, doseq=True).encode(),
                                {"Content-Type": "application/x-www-form-urlencoded"})
        boundary = secrets.token_hex(16)
        chunks: list[bytes] = []
        for name, value in fields.items():
            for item in value if isinstance(value, list) else [value]:
                chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; '
                              f'name="{name}"\r\n\r\n{item}\r\n'.encode())
        for name, (filename, data, media_type) in files.items():
            chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                          f'filename="{filename}"\r\nContent-Type: {media_type}\r\n\r\n'
                          .encode() + data + b"\r\n")
        chunks.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(chunks),
                            {"Content-Type": f"multipart/form-data; boundary={boundary}"})
