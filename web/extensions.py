"""Extensions created once here and bound to an app in `create_app`."""

from flask import Flask, g
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool
from sqlmodel import Session


class Database:
    """The SQL engine for an app and one session per request, closed when the request ends."""

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        app.extensions["lanewise_engine"] = make_engine(url)
        app.teardown_appcontext(self._close_session)

    @property
    def engine(self) -> Engine:
        from flask import current_app

        return current_app.extensions["lanewise_engine"]

    @property
    def session(self) -> Session:
        """Give this request's session, opening it on first use."""
        if "db_session" not in g:
            g.db_session = Session(self.engine, expire_on_commit=False)
        return g.db_session

    @staticmethod
    def _close_session(exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()


def make_engine(url: str) -> Engine:
    """Give an engine for a database URL, with SQLite set up for threads and foreign keys."""
    if url.startswith("sqlite"):
        kwargs: dict = {"connect_args": {"check_same_thread": False}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            # One shared connection, or every new connection would see an empty database.
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # Web workers and task workers share the file: with a write-ahead log readers never wait for a writer
            # (a worker loading a large roster no longer blocks a run's progress), and a writer waits its turn.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")   # safe with a write-ahead log: no fsync per commit
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
