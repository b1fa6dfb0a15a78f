"""The ``carecase`` command: every flow's work, once, from the shell (design.md).

Commands run the same functions the Prefect flows run. Errors are ``CarecaseError``s,
printed as one line that says what to do, with exit status 1 (2 for bad usage).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from contextlib import contextmanager
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from carecase.errors import CarecaseError, InputError

app = typer.Typer(help="Multichannel customer care on PostgreSQL and Prefect.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
cases_app = typer.Typer(help="Look at and act on cases.", no_args_is_help=True)
evidence_app = typer.Typer(help="The moderation archive.", no_args_is_help=True)
messages_app = typer.Typer(help="What customers wrote.", no_args_is_help=True)
incidents_app = typer.Typer(help="Incidents: many customers, one cause (P6).",
                            no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(cases_app, name="cases")
app.add_typer(messages_app, name="messages")
app.add_typer(evidence_app, name="evidence")
app.add_typer(incidents_app, name="incidents")
# What the command line prints is data (customers' names and texts, outbox keys such as
# "ack:x:555"): never read as rich markup ("[/]" in a name raised MarkupError) or emoji
# codes (":x:" became a cross). Styling is asked for with Text.
out = Console(markup=False, emoji=False, highlight=False)
err = Console(stderr=True, markup=False, emoji=False, highlight=False)
# Nor may it drive the terminal: a name with ESC [2J cleared the agent's screen, OSC 0
# retitled the window, OSC 8 made a link to anywhere. Every C0 and C1 control character
# (and DEL) from the database is shown as \xNN, a line break or tab as a space (a table
# cell or a read-out line is one line), in all that the human read-outs print.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# json.dumps escapes C0 but leaves DEL and C1 as they are (ensure_ascii=False)
_JSON_UNESCAPED = re.compile(r"[\x7f-\x9f]")


def _shown(value: Any) -> str:
    """``value`` as text a terminal only displays ("" for None)."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(lambda m: " " if m[0] in "\t\n\r" else f"\\x{ord(m[0]):02x}",
                        text)


def _row(table: Table, *cells: Any) -> None:
    table.add_row(*map(_shown, cells))


@contextmanager
def _app():
    from carecase.bootstrap import open_app

    with open_app() as opened:
        yield opened


def _print_report(report: Any) -> None:
    table = Table(title=report.name)
    table.add_column("what")
    table.add_column("count", justify="right")
    for row in report.rows():
        _row(table, row["what"], row["count"])
    out.print(table)
    for line in report.details[:50]:
        out.print(f"  {_shown(line)}")


def _warn(text: str) -> None:
    """One unwrapped line on stderr: scripts read these (file:line: reason)."""
    sys.stderr.write(_shown(text) + "\n")


def _local(iso: str | None, tz: tzinfo) -> str:
    """A read-out's ISO time as ``cases.local_minute`` gives it ("" for none)."""
    from carecase.cases import local_minute

    return local_minute(datetime.fromisoformat(iso), tz) if iso else ""


def _json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    # only inside strings (JSON's own syntax is ASCII): "\u009b" is the same string
    text = _JSON_UNESCAPED.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    sys.stdout.write(text + "\n")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations and write outdated matching keys anew.

    Safe to run again: what is up to date is left as it is."""
    from carecase import engine
    from carecase.bootstrap import open_app
    from carecase.store import migrate

    with open_app(upgrade=False) as opened:
        with opened.db.connection() as conn:
            applied = migrate.upgrade(conn)
            version = migrate.current(conn)
        rekeyed = engine.reindex_keys(opened.db)
    names = ", ".join(f"{m.version:04d}_{m.name}" for m in applied) or "nothing to apply"
    out.print(f"database at version {version}: {names}")
    if rekeyed:
        out.print(f"blocking keys written anew for {rekeyed} customers")


def _file_or_dash(value: str) -> str:
    """A readable file, or - (standard input). Checked here: typer's allow_dash has no
    effect on a Path argument (it compares Path("-") with "-")."""
    path = Path(value)
    problem = ("" if value == "-" else "does not exist" if not path.exists()
               else "is a directory" if path.is_dir()
               else "is not readable" if not os.access(path, os.R_OK) else "")
    if problem:
        raise typer.BadParameter(f"file {value!r} {problem}.")
    return value


@app.command("import")
def import_(file: Annotated[str, typer.Argument(
                metavar="FILE", callback=_file_or_dash,
                help="The JSONL file, or - for standard input.")],
            batch_size: Annotated[int, typer.Option(min=1)] = 500) -> None:
    """Run the engine on normalised messages from a JSONL file (one per line)."""
    from rich.progress import Progress

    from carecase import engine, importer
    from carecase.clues import utc
    from carecase.report import Report

    bad = Report("import")
    name = "<stdin>" if file == "-" else file  # in the FILE:LINE: warnings
    extra: set[str] = set()
    newest, backwards = None, 0

    def good_lines():
        nonlocal newest, backwards
        for number, item in importer.read(file):
            if isinstance(item, CarecaseError):
                bad.add("bad lines")
                _warn(f"{name}:{number}: skipped: {item}")
                continue
            if new := [f for f in importer.extra_fields(item) if f not in extra]:
                extra.update(new)
                _warn(f"{name}:{number}: {', '.join(map(repr, new))} not part of the "
                      f"import shape: kept in raw.{importer.EXTRA}")
            at = utc(item.created_at)
            backwards += newest is not None and at < newest
            newest = at if newest is None else max(newest, at)
            yield item

    with _app() as opened, Progress(console=err, transient=True) as progress:
        task = progress.add_task("importing messages", total=None)
        report = engine.import_messages(
            opened.db, opened.settings, good_lines(), batch_size=batch_size,
            progress=lambda n: progress.update(task, advance=n))
    report.merge(bad)
    _print_report(report)
    if backwards:
        lines = "1 line was older than a line before it" if backwards == 1 else \
            f"{backwards} lines were older than a line before them"
        _warn(f"{lines}: each batch of {batch_size} is decided in time order, but who "
              "wrote first across batches counts too; sort the file by created_at for "
              "the best matching")


@app.command()
def ingest(channel: Annotated[str | None, typer.Option(help="Only this channel.")] = None
           ) -> None:
    """One polling pass over every enabled channel (or one)."""
    from carecase import engine
    from carecase.bootstrap import make_channels

    with _app() as opened:
        channels = make_channels(opened.settings, only=channel)
        if not channels:
            raise CarecaseError("no channel is enabled: set enabled = true under "
                                "[channels.NAME] in carecase.toml")
        for name, conn in channels.items():
            try:
                _print_report(engine.ingest(opened.db, opened.settings, conn, account=name))
            finally:
                conn.close()


@app.command()
def dispatch(limit: Annotated[int, typer.Option(min=1)] = 200) -> None:
    """Send what is due in the outbox."""
    from carecase import dispatch as dispatching
    from carecase.bootstrap import make_channels

    with _app() as opened:
        channels = make_channels(opened.settings)
        try:
            _print_report(dispatching.dispatch(opened.db, opened.settings, channels,
                                               worker=f"cli-{os.getpid()}", limit=limit))
        finally:
            for conn in channels.values():
                conn.close()


@app.command("status-updates")
def status_updates(on: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD")] = None
                   ) -> None:
    """The daily status-update pass, now (idempotent per local day)."""
    from carecase import updates

    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        raise InputError(f"--date {on!r} is not a date (YYYY-MM-DD)") from None
    with _app() as opened:
        _print_report(updates.status_updates(opened.db, opened.settings, on=day))


@cases_app.command("list")
def cases_list(status: str | None = None,
               limit: Annotated[int, typer.Option(
                   min=1, help="At most this many cases, the oldest first.")] = 1000,
               as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The cases, optionally of one status.

    When there are more than --limit, a line on stderr says how many (the --json output
    stays a plain list)."""
    from carecase import cases

    with _app() as opened:
        rows = cases.list_cases(opened.db, status=status, limit=limit + 1)
        total = cases.count_cases(opened.db, status=status) if len(rows) > limit else 0
        tz = opened.settings.business.tz
    rows = rows[:limit]
    if total > limit:
        _warn(f"showing the first {limit} of {total} cases: use --limit {total} to see "
              "them all")
    if as_json:
        _json(rows)
        return
    table = Table(caption=f"times in {tz}")
    for col in ("id", "status", "customer", "channels", "messages", "fault", "incident"):
        table.add_column(col)
    table.add_column("opened_at", no_wrap=True, min_width=16)
    for r in rows:
        _row(table, r["id"], r["status"], r["customer"], ", ".join(r["channels"] or []),
             r["messages"], r["fault"], r["incident"], _local(r["opened_at"], tz))
    out.print(table)


@cases_app.command("show")
def cases_show(case_id: int, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """One case with its customer, messages, events (merge evidence) and outbox."""
    from carecase import cases

    with _app() as opened:
        data = cases.show(opened.db, case_id)
        tz = opened.settings.business.tz
    if as_json:
        _json(data)
        return
    c = data["customer"]
    idents = ", ".join(f"{i['kind']}:{i['value']}" for i in c["identities"])
    out.print(Text.assemble((f"case {data['id']}", "bold"),
                            _shown(f" {data['status']} · fault {data['fault']} · "
                                   f"customer {c['name']} ({idents}) · times in {tz}")))
    for m in data["messages"]:
        out.print(_shown(f"  {_local(m['created_at'], tz)} {m['direction']} "
                         f"{m['channel']}: {m['text'][:100]!r}"))
    for e in data["events"]:
        out.print(_shown(f"  {_local(e['at'], tz)} {e['kind']} by {e['actor']}: "
                         f"{json.dumps(e['detail'], ensure_ascii=False)}"))
    for o in data["outbox"]:
        out.print(_shown(f"  outbox {o['key']}: {o['status']} ({o['attempts']} attempts)"))


@cases_app.command("note")
def cases_note(case_id: int, text: str,
               for_customer: Annotated[bool, typer.Option("--for-customer")] = False,
               author: str = "agent") -> None:
    """Add a note; --for-customer notes go into the next status update."""
    from carecase import cases

    with _app() as opened:
        cases.add_note(opened.db, case_id, text, for_customer=for_customer, author=author)
        why = for_customer and cases.unreachable(opened.db, opened.settings, case_id)
    out.print(f"noted on case {case_id}")
    if why:
        err.print(_shown(f"warning: {why}"))


@cases_app.command("set")
def cases_set(case_id: int,
              fault: Annotated[str | None, typer.Option(
                  help='ours, third_party, none or unknown; "" sets it back to unknown.')
              ] = None,
              agent: str | None = None,
              incident: str | None = None, gesture: str | None = None,
              third_party: str | None = None, language: str | None = None) -> None:
    """Set the fault, agent, incident, goodwill gesture, third party or language of a case.

    An empty value (e.g. --gesture "") clears it; an empty --fault is "unknown" again.
    --language (da, sv, nb or en) is the language the customer is written to in; their
    messages no longer change it."""
    from carecase import cases

    if fault is not None and not fault.strip():
        fault = "unknown"  # a case's fault is never empty: unknown is where it starts
    with _app() as opened:
        cases.set_case(opened.db, case_id, fault=fault, agent=agent, incident=incident,
                       gesture=gesture, third_party=third_party, language=language)
    out.print(f"case {case_id} updated")


@cases_app.command("contact")
def cases_contact(case_id: int, email: str | None = None, phone: str | None = None) -> None:
    """Record an e-mail address or phone number the customer gave you.

    The daily updates and the follow-up go to the newest address, and what the
    customer writes from it joins the case."""
    from carecase import cases

    with _app() as opened:
        added = cases.add_contact(opened.db, case_id, email=email, phone=phone,
                                  language=opened.settings.business.language)
    out.print(_shown(f"case {case_id}: " + ", ".join(f"{kind} {value}"
                                                     for kind, value in added)))


@cases_app.command("link")
def cases_link(case_id: int, other_case_id: int) -> None:
    """Merge OTHER_CASE_ID into CASE_ID (same customer)."""
    from carecase import cases

    with _app() as opened:
        cases.link(opened.db, case_id, other_case_id)
    out.print(f"case {other_case_id} linked into {case_id}")


@cases_app.command("split")
def cases_split(case_id: int, message: str) -> None:
    """Move MESSAGE (channel:external_id) and its author into a case of their own."""
    from carecase import cases

    with _app() as opened:
        new = cases.split(opened.db, case_id, message)
    out.print(f"split into case {new}")


@cases_app.command("open")
def cases_open(message: Annotated[str, typer.Argument(help="CHANNEL:EXTERNAL_ID or its id")],
               kind: Annotated[str, typer.Option(help="complaint or question")] = "complaint",
               agent: str | None = None) -> None:
    """Give MESSAGE, left without a case, one: answered as a complaint or a question."""
    from carecase import opening

    with _app() as opened:
        _, report = opening.open_case(opened.db, opened.settings, message, kind=kind,
                                      agent=agent)
    _print_report(report)


@cases_app.command("close")
def cases_close(case_id: int, agent: Annotated[str, typer.Option()],
                happened: Annotated[str, typer.Option()], done: Annotated[str, typer.Option()],
                fault: str | None = None, gesture: str | None = None,
                note: str | None = None) -> None:
    """Close with a personal follow-up and a public resolution note (P8, P9)."""
    from carecase import closing

    with _app() as opened:
        _print_report(closing.close_case(opened.db, opened.settings, case_id, agent=agent,
                                         happened=happened, done=done, fault=fault,
                                         gesture=gesture, note=note))


@cases_app.command("rerun")
def cases_rerun(case_id: int) -> None:
    """Re-classify and re-match a case's messages; re-queue failed sends."""
    from carecase import rerun

    with _app() as opened:
        _print_report(rerun.rerun_case(opened.db, opened.settings, case_id))


@messages_app.command("list")
def messages_list(without_case: Annotated[bool, typer.Option(
                      "--without-case", help="Only what carecase gave no case.")] = False,
                  channel: str | None = None,
                  kind: Annotated[str | None, typer.Option(
                      help="complaint, question, praise or other")] = None,
                  limit: Annotated[int, typer.Option(min=1)] = 50,
                  as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """What customers wrote, newest first."""
    from carecase import cases
    from carecase.model import KINDS

    if kind is not None and kind not in KINDS:  # else a misspelled kind lists nothing
        raise InputError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    with _app() as opened:
        rows = cases.list_messages(opened.db, without_case=without_case, channel=channel,
                                   kind=kind, limit=limit)
        tz = opened.settings.business.tz
    if as_json:
        _json(rows)
        return
    table = Table(caption=f"times in {tz}")
    table.add_column("message", no_wrap=True)  # what `carecase cases open` takes
    for col in ("case", "kind", "author", "text"):
        table.add_column(col)
    table.add_column("created_at", no_wrap=True, min_width=16)
    for r in rows:
        _row(table, f"{r['channel']}:{r['external_id']}", r["case_id"],
             f"machine ({r['machine']})" if r["machine"] else r["kind"], r["author"],
             (r["text"] or "")[:100], _local(r["created_at"], tz))
    out.print(table)


@evidence_app.command("verify")
def evidence_verify() -> None:
    """Check every moderation archive against its SHA-256."""
    from carecase import evidence
    from carecase.store.queries import Q

    bad = total = 0
    with _app() as opened, opened.db.connection() as conn:
        for row in conn.execute(Q["all_evidence"]):
            total += 1
            if not evidence.verify(row):
                bad += 1
                _warn(f"evidence {row['id']} (message {row['message_id']}) does not match "
                      "its SHA-256")
    out.print(f"{total} archives checked, {bad} altered")
    if bad:
        raise typer.Exit(1)


@incidents_app.command("list")
def incidents_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Incidents with their open and total case counts."""
    from carecase import incidents

    with _app() as opened:
        rows = incidents.list_incidents(opened.db)
    if as_json:
        _json(rows)
        return
    table = Table()
    for col in ("key", "title", "open", "cases", "prevention"):
        table.add_column(col)
    for r in rows:
        _row(table, r["key"], r["title"], r["open_cases"], r["cases"], r["prevention"])
    out.print(table)


@incidents_app.command("set")
def incidents_set(key: str, prevention: Annotated[str, typer.Option()]) -> None:
    """Say what is done so it does not happen again (quoted in status updates)."""
    from carecase import incidents

    with _app() as opened:
        incidents.set_prevention(opened.db, key, prevention)
    out.print(f"incident {key} updated")


@app.command()
def announce(channel: str, text: str,
             at: Annotated[str, typer.Option(help=(
                 "ISO 8601 time, e.g. 2026-11-27T19:30+01:00; without a zone "
                 "(2026-11-27T19:30) in the business's time zone (business.timezone)."))]
             ) -> None:
    """Schedule a public post before an expected surge, e.g. a TV programme (P13)."""
    from carecase import incidents

    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        raise InputError(f"--at {at!r} is not an ISO 8601 time") from None
    with _app() as opened:
        tz = opened.settings.business.tz
        key = incidents.announce(opened.db, channel, text, when, tz=tz)
    out.print(f"scheduled {key} for {incidents.zoned(when, tz).isoformat()}: dispatch "
              "posts it then")


@app.command()
def sandbox() -> None:
    """Start the local fake channel APIs (and an IMAP/SMTP pair) until Ctrl-C."""
    from sandbox.run import main as run_sandbox

    run_sandbox()


@app.command()
def serve() -> None:
    """Serve all deployments from this process, with their schedules."""
    from flows.serve import serve_all

    serve_all()


@app.command()
def demo() -> None:
    """The whole story on this machine: database, Prefect UI, sandbox channels, flows."""
    from flows.demo import run_demo

    run_demo()


def main() -> None:
    from carecase.config import log_level

    try:
        logging.basicConfig(level=log_level())
        app()
    except CarecaseError as exc:
        _warn(f"carecase: {exc}")
        sys.exit(1)


if __name__ == "__main__":
    main()
