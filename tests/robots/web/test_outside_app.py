"""A web application this project did not write, driven by a recipe and no Python of ours: Radicale (an
open-source CalDAV/CardDAV server from PyPI) runs as a real server in a subprocess, real Chromium enters
collections through its own web interface with config/targets/radicale.yaml, and what landed is checked
through the server's own protocol (WebDAV PROPFIND, a CardDAV PUT/GET)."""

from __future__ import annotations

import base64
import importlib.util
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from robots.errors import BusinessError
from robots.settings import PROJECT_ROOT, Settings
from robots.web import Target, TargetSession, check_target, load_target

pytestmark = pytest.mark.e2e

USER, PASSWORD = "robot", "pa55-Word!radicale"
_NS = {
    "d": "DAV:",
    "c": "urn:ietf:params:xml:ns:caldav",
    "cr": "urn:ietf:params:xml:ns:carddav",
    "i": "http://apple.com/ns/ical/",
    "inf": "http://inf-it.com/ns/ab/",
}
_PROPFIND = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" '
    'xmlns:cr="urn:ietf:params:xml:ns:carddav" xmlns:i="http://apple.com/ns/ical/" '
    'xmlns:inf="http://inf-it.com/ns/ab/"><d:prop><d:resourcetype/><d:displayname/>'
    "<c:calendar-description/><cr:addressbook-description/><i:calendar-color/><inf:addressbook-color/>"
    "</d:prop></d:propfind>"
)


@dataclass(frozen=True)
class Collection:
    """One collection as the server reports it over WebDAV."""

    href: str
    kind: str  # addressbook | calendar
    title: str
    description: str
    color: str


@dataclass
class Radicale:
    """The running server and a small WebDAV client for it (what the tests check the target against)."""

    url: str
    storage: Path

    def request(self, method: str, path: str, body: str | None = None, **headers: str) -> tuple[int, str]:
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        req = urllib.request.Request(
            self.url + path,
            data=body.encode() if body is not None else None,
            method=method,
            headers={"Authorization": f"Basic {token}", **headers},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def collections(self) -> dict[str, Collection]:
        """The user's collections by key (the last part of their address)."""
        status, text = self.request(
            "PROPFIND", f"/{USER}/", _PROPFIND, Depth="1", **{"Content-Type": "application/xml"}
        )
        assert status == 207, text
        out: dict[str, Collection] = {}
        for response in ET.fromstring(text).findall("d:response", _NS):
            href = response.findtext("d:href", namespaces=_NS) or ""
            if href.rstrip("/") == f"/{USER}":
                continue

            def prop(path: str, response: ET.Element = response) -> str:
                return response.findtext(f"d:propstat/d:prop/{path}", default="", namespaces=_NS) or ""

            types = response.find("d:propstat/d:prop/d:resourcetype", _NS)
            kind = (
                "addressbook"
                if types is not None and types.find("cr:addressbook", _NS) is not None
                else "calendar"
            )
            out[href.rstrip("/").rsplit("/", 1)[-1]] = Collection(
                href=href,
                kind=kind,
                title=prop("d:displayname"),
                description=prop("cr:addressbook-description") or prop("c:calendar-description"),
                color=prop("inf:addressbook-color") or prop("i:calendar-color"),
            )
        return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """Radicale on a free port with a throwaway storage folder and a plain-text htpasswd file."""
    if importlib.util.find_spec("radicale") is None:
        pytest.fail("radicale is not installed: pip install -e '.[dev]'")
    root = tmp_path_factory.mktemp("radicale")
    (root / "users").write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
    port = _free_port()
    config = root / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {root / 'users'}\nhtpasswd_encryption = plain\n"
        f"[storage]\nfilesystem_folder = {root / 'storage'}\n"
        "[logging]\nlevel = warning\n",
        encoding="utf-8",
    )
    log = (root / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while not _answers(url + "/.web/"):
            try:
                code = proc.wait(timeout=0.05)  # the pause between polls, and "did it die?"
            except subprocess.TimeoutExpired:
                code = None
            if code is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(
                    f"Radicale did not answer on {url} (exit code {code}): "
                    + (root / "server.log").read_text(encoding="utf-8", errors="replace")[-2000:]
                )
        yield Radicale(url, root / "storage")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.fixture
def target(radicale: Radicale, monkeypatch: pytest.MonkeyPatch) -> Target:
    """The shipped recipe, pointed at the test server, with its credentials in the environment."""
    monkeypatch.setenv("KUROKO_RADICALE_URL", radicale.url)
    monkeypatch.setenv("KUROKO_RADICALE_USERNAME", USER)
    monkeypatch.setenv("KUROKO_RADICALE_PASSWORD", PASSWORD)
    return load_target("radicale", PROJECT_ROOT / "config")


@pytest.fixture
def session(settings: Settings, target: Target, chromium) -> Iterator[TargetSession]:
    with TargetSession(settings, target, browser=chromium) as s:
        yield s


def _key() -> str:
    return f"krk-{uuid.uuid4().hex[:16]}"


def test_collections_land_as_typed_and_a_rerun_only_finds_them(
    session: TargetSession, radicale: Radicale, tmp_path: Path
) -> None:
    records = [
        {
            "key": _key(),
            "title": "取引先台帳 2024",
            "description": "株式会社サンプル商事の担当者",
            "type": "addressbook",
            "color": "#1E90FF",
        },
        {"key": _key(), "title": "経理部の締め日", "type": "calendar"},
    ]
    outcomes = [session.enter("create_collection", r, evidence_dir=tmp_path / "ev") for r in records]

    assert [o.created for o in outcomes] == [True, True] and session.logins == 1
    assert [o.record_id for o in outcomes] == [f"{radicale.url}/{USER}/{r['key']}/" for r in records]
    on_server = radicale.collections()
    assert on_server[records[0]["key"]] == Collection(
        f"/{USER}/{records[0]['key']}/",
        "addressbook",
        "取引先台帳 2024",
        "株式会社サンプル商事の担当者",
        "#1e90ffff",
    )
    second = on_server[records[1]["key"]]
    assert (second.kind, second.title, second.description) == ("calendar", "経理部の締め日", "")
    assert outcomes[0].screenshot is not None and outcomes[0].screenshot.stat().st_size > 5_000

    # A contact put into the address book through CardDAV: entering the record again must leave it alone.
    card = f"/{USER}/{records[0]['key']}/taro.vcf"
    vcard = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:taro\r\nFN:山田 太郎\r\nN:山田;太郎;;;\r\nEND:VCARD\r\n"
    assert radicale.request("PUT", card, vcard, **{"Content-Type": "text/vcard"})[0] == 201

    again = session.enter("create_collection", records[0])
    assert (again.created, again.record_id) == (False, outcomes[0].record_id) and session.logins == 1
    after = radicale.collections()
    assert after == on_server  # nothing new, nothing changed
    status, text = radicale.request("GET", card)
    assert status == 200 and "山田 太郎" in text


def test_a_key_the_server_cannot_use_is_refused_before_the_browser_moves(
    session: TargetSession, radicale: Radicale
) -> None:
    before = radicale.collections()
    with pytest.raises(BusinessError) as err:
        session.enter("create_collection", {"key": "KRK 1", "title": "x"})
    assert err.value.code == "target.template" and "create_collection.reference" in err.value.message
    assert session.logins == 0 and radicale.collections() == before


def test_target_check_finds_every_locator_by_its_first_choice(
    settings: Settings, target: Target, radicale: Radicale, chromium
) -> None:
    key = _key()  # an existing collection to check find and verify on, made over WebDAV
    mkcol = (
        '<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav">'
        "<d:set><d:prop><d:resourcetype><d:collection/><cr:addressbook/></d:resourcetype>"
        "<d:displayname>点検用</d:displayname></d:prop></d:set></d:mkcol>"
    )
    assert radicale.request("MKCOL", f"/{USER}/{key}/", mkcol)[0] == 201
    before = set(radicale.collections())

    report = check_target(target, chromium, settings, timeout_ms=5_000)

    assert report.problems == [] and report.exit_code == 0, report.to_json()
    status = {c.key: c.status for c in report.locators}
    unchecked = {k for k, s in status.items() if s == "not checked"}
    # Only what a refusal shows, and the way back from a form left open, stay unchecked.
    assert unchecked == {"login.error", "form.error", "form.cancel"}, report.to_json()
    assert set(status.values()) == {"first choice", "not checked"}
    assert set(radicale.collections()) == before  # the check saved nothing
