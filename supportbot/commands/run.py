"""``supportbot run``: the bot, over HTTP (Events API) or Socket Mode."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from types import FrameType

import click

from supportbot.commands._common import EXIT_CONFIG, load_settings
from supportbot.config import Settings
from supportbot.infra.logsafe import announce, configure_logging

_log = logging.getLogger("supportbot.run")


def _missing_message(missing: list[str], mode: str) -> str:
    return (
        f"supportbot run: cannot start {mode}: {', '.join(missing)} "
        f"{'is' if len(missing) == 1 else 'are'} not set.\n"
        "  Set them from your Slack app's settings (see README, 'Connecting to Slack').\n"
        "  To try the bot locally without Slack, run:  supportbot console"
    )


@click.command("run")
@click.option("--http", "use_http", is_flag=True, help="Serve the Events API over HTTP (POST /slack/events).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 in a container).")
@click.option(
    "--port",
    default=3000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0 picks a free one).",
)
@click.option(
    "--threads",
    default=16,
    show_default=True,
    type=click.IntRange(1, 64),
    # Handlers wait for database turns; with too few threads new events queue behind them unread.
    help="HTTP threads per process.",
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Processes serving HTTP, each with its own threads and outbox workers (use one per CPU core).",
)
def command(use_http: bool, host: str, port: int, threads: int, processes: int) -> None:
    """Run the bot.

    With --http it serves POST /slack/events (events, interactivity, slash commands), GET /healthz
    and GET /metrics. Without --http it connects over Socket Mode when SLACK_APP_TOKEN is set.
    SQLite databases are migrated automatically; PostgreSQL needs 'supportbot db upgrade' first.
    """
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    if use_http:
        missing = settings.missing_for_http()
        if missing:
            click.echo(_missing_message(missing, "over HTTP"), err=True)
            sys.exit(EXIT_CONFIG)
    elif settings.slack_app_token:
        missing = settings.missing_for_socket_mode()
        if missing:
            click.echo(_missing_message(missing, "in Socket Mode"), err=True)
            sys.exit(EXIT_CONFIG)
    else:
        missing = ["SLACK_APP_TOKEN (Socket Mode) or --http with SLACK_SIGNING_SECRET"]
        if not settings.slack_bot_token:
            missing.insert(0, "SLACK_BOT_TOKEN")
        click.echo(_missing_message(missing, "the bot"), err=True)
        sys.exit(EXIT_CONFIG)
    if use_http and processes > 1:
        _serve_prefork(settings, host=host, port=port, threads=threads, processes=processes)
        return
    _serve(settings, use_http=use_http, host=host, port=port, threads=threads)


def _serve(settings: Settings, *, use_http: bool, host: str, port: int, threads: int) -> None:
    from supportbot.slack.app import AppStartError
    from supportbot.slack.bot import create_bot
    from supportbot.store.db import StoreError

    # Request threads and outbox workers take turns on one database write lock; whoever holds it
    # should get the interpreter back quickly, so hand the GIL over every 0.5 ms instead of 5 ms.
    sys.setswitchinterval(0.0005)
    try:
        bot = create_bot(settings, http_threads=threads)
    except (AppStartError, StoreError) as error:
        click.echo(f"supportbot run: {error}", err=True)
        sys.exit(EXIT_CONFIG)
    bot.start()
    try:
        if use_http:
            _serve_http(bot.wsgi, host=host, port=port, threads=threads)
        else:
            _serve_socket_mode(bot.app, settings.slack_app_token or "")
    finally:
        _log.info("stopping: finishing in-flight Slack actions; pending ones stay queued")
        bot.stop()
        bot.runtime.store.close()


# Set once the serving loop has returned and the orderly stop is under way.
_stopping = threading.Event()
_insisting = threading.Event()


def _raise_exit(signum: int, _frame: FrameType | None) -> None:
    """SIGTERM/SIGINT: stop serving (waitress and Bolt's Socket Mode stop on SystemExit).

    Python runs the handler wherever the main thread happens to be, and an exception raised inside a
    destructor (``__del__``, e.g. while a regex is collected during start-up) is printed and
    ignored. So the request is repeated every second until the stop is under way.
    """
    if not _stopping.is_set() and not _insisting.is_set():
        _insisting.set()
        threading.Thread(target=_repeat_until_stopping, args=(signum,), name="stop-request", daemon=True).start()
    raise SystemExit(0)


def _repeat_until_stopping(signum: int) -> None:
    while not _stopping.wait(1.0):
        os.kill(os.getpid(), signum)


def _serve_http(wsgi: object, *, host: str, port: int, threads: int) -> None:
    import waitress

    from supportbot.slack.http import MAX_BODY

    server = waitress.create_server(
        wsgi,
        host=host,
        port=port,
        threads=threads,
        ident="supportbot",
        max_request_body_size=MAX_BODY,
        channel_timeout=30,
        clear_untrusted_proxy_headers=True,
    )
    signal.signal(signal.SIGTERM, _raise_exit)
    _log.info(
        "listening on http://%s:%s (POST /slack/events, GET /healthz, GET /metrics)",
        server.effective_host,
        server.effective_port,
    )
    announce(f"supportbot: listening on http://{server.effective_host}:{server.effective_port}")
    try:
        server.run()  # waitress finishes in-flight requests on SystemExit/KeyboardInterrupt
    finally:
        _stopping.set()
        server.close()


def _serve_socket_mode(app: object, app_token: str) -> None:
    from slack_bolt import App
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    assert isinstance(app, App)
    handler = SocketModeHandler(app, app_token)
    signal.signal(signal.SIGTERM, _raise_exit)
    _log.info("connecting to Slack over Socket Mode")
    try:
        handler.start()  # type: ignore[no-untyped-call]
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        _stopping.set()
        handler.close()  # type: ignore[no-untyped-call]


def _serve_prefork(settings: Settings, *, host: str, port: int, threads: int, processes: int) -> None:
    """Several processes on one listening socket, so the bot can use more than one CPU core.

    Python runs one thread at a time per process. The parent migrates the database once, binds the
    socket and forks the children; each child builds its own bot (database connections, HTTP pool
    to Slack, outbox workers) and serves the shared socket. The outbox and the event dedupe are
    already safe for several processes. A child that dies is replaced; SIGTERM stops them all,
    each finishing what it has in hand. Metrics are counted into a folder the parent prepares
    (prometheus_client's multiprocess mode), so a scrape of any child reports all of them.
    """
    import shutil
    import socket
    import time

    from supportbot.slack.bot import prepare_store
    from supportbot.slack.metrics import mark_process_dead, prepare_multiprocess_dir
    from supportbot.store.db import StoreError

    try:
        prepare_store(settings).close()
    except StoreError as error:
        click.echo(f"supportbot run: {error}", err=True)
        sys.exit(EXIT_CONFIG)
    # Before any child counts anything: they sum their metrics through this folder.
    metrics_dir, metrics_dir_created = prepare_multiprocess_dir(settings.metrics_dir)
    settings = settings.with_overrides(metrics_dir=metrics_dir)
    listener = socket.create_server((host, port), backlog=2048)
    listener.set_inheritable(True)
    bound_host, bound_port = listener.getsockname()[:2]
    announce(f"supportbot: listening on http://{bound_host}:{bound_port} ({processes} processes)")
    children: dict[int, float] = {}
    stopping = {"now": False}

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _serve_child(settings, listener, threads=threads)
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 0
            except BaseException:
                _log.exception("supportbot process %s failed", os.getpid())
                code = 1
            finally:
                os._exit(code)
        children[pid] = time.monotonic()

    def stop_all(signum: int, _frame: FrameType | None) -> None:
        stopping["now"] = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                children.pop(pid, None)

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    for _ in range(processes):
        spawn()
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        started = children.pop(pid, time.monotonic())
        mark_process_dead(pid, metrics_dir)
        if stopping["now"]:
            continue
        _log.error("supportbot process %s exited (status %s); starting another", pid, status)
        if time.monotonic() - started < 5:
            time.sleep(1)  # a process that dies at once would otherwise be respawned in a tight loop
        spawn()
    listener.close()
    if metrics_dir_created:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def _stop_with_parent(interval: float = 1.0) -> None:
    """A child whose parent died (SIGKILL, the OOM killer) stops as if told to, instead of serving the
    socket on its own while a supervisor starts a new parent beside it."""
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        _log.warning("supportbot process %s: the parent process is gone; stopping", os.getpid())
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _serve_child(settings: Settings, listener: object, *, threads: int) -> None:
    import waitress

    from supportbot.slack.bot import create_bot
    from supportbot.slack.http import MAX_BODY

    signal.signal(signal.SIGTERM, _raise_exit)
    signal.signal(signal.SIGINT, _raise_exit)
    _stop_with_parent()
    sys.setswitchinterval(0.0005)
    bot = create_bot(settings, http_threads=threads)
    bot.start()
    server = waitress.create_server(
        bot.wsgi,
        sockets=[listener],
        threads=threads,
        ident="supportbot",
        max_request_body_size=MAX_BODY,
        channel_timeout=30,
        clear_untrusted_proxy_headers=True,
    )
    try:
        server.run()
    finally:
        _stopping.set()
        server.close()
        bot.stop()
        bot.runtime.store.close()
