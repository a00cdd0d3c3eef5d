"""Archives on a real SQLite file and on a throwaway PostgreSQL database, and small real PDFs."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A6
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import create_engine

from robots.archive import Archive

pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))


def write_pdf(path: Path, *lines: str) -> Path:
    """A one-page A6 PDF with these lines in a Japanese font; the same lines give the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(path), pagesize=A6, invariant=1)
    c.setFont("HeiseiKakuGo-W5", 10)
    for i, line in enumerate(lines):
        c.drawString(20, 380 - 14 * i, line)
    c.showPage()
    c.save()
    return path


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1, 10_000))

    def make(*lines: str, name: str | None = None) -> Path:
        return write_pdf(tmp_path / "incoming" / (name or f"doc{next(counter)}.pdf"), *lines)

    return make


@pytest.fixture(scope="session")
def pg_database(request: pytest.FixtureRequest) -> Callable[[], AbstractContextManager[str]]:
    """Factory: a fresh PostgreSQL database on the session's throwaway cluster, dropped afterwards (so
    archive tests never share tables with each other or with the ledger tests)."""
    server_url = request.getfixturevalue("postgres_url")

    @contextmanager
    def database() -> Iterator[str]:
        name = f"archive_{uuid.uuid4().hex[:12]}"
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        try:
            yield server_url.rsplit("/", 1)[0] + "/" + name
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.dispose()

    return database


@contextmanager
def _open_archive(request: pytest.FixtureRequest, home: Path) -> Iterator[Archive]:
    """A migrated archive on the backend named by ``request.param``."""
    database: AbstractContextManager[str] = (
        nullcontext(f"sqlite:///{home / 'ledger.sqlite3'}")
        if request.param == "sqlite"
        else request.getfixturevalue("pg_database")()
    )
    with database as url, Archive(home, url) as archive:
        archive.migrate()
        yield archive


@pytest.fixture(scope="session")
def open_archive() -> Callable[[pytest.FixtureRequest, Path], AbstractContextManager[Archive]]:
    """For fixtures parametrized over backends (``"sqlite"``, ``"postgresql"``) in a wider scope:
    ``with open_archive(request, home) as archive``."""
    return _open_archive


@pytest.fixture(scope="session")
def pdf_writer() -> Callable[..., Path]:
    """``pdf_writer(path, *lines)``: see :func:`write_pdf`."""
    return write_pdf


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Archive]:
    """An empty, migrated archive on SQLite (the default) and on PostgreSQL."""
    with _open_archive(request, tmp_path / "home") as opened:
        yield opened
