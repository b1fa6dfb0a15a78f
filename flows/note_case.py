"""The note-case flow: an agent's note on a case, from a form in the Prefect UI.

A note marked for the customer goes into the case's next status update (P7); other notes
are internal. The same as ``carecase cases note ID TEXT [--for-customer]``.
"""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from carecase.bootstrap import App
from carecase.report import Report
from flows.common import publish, run_app


class NoteParams(BaseModel):
    """An agent's note on a case."""

    case_id: int = Field(gt=0, description="The case to note.")
    text: str = Field(min_length=1, description="The note.")
    for_customer: bool = Field(False, description="Tell the customer in the next "
                               "status update (otherwise internal).")
    author: str = Field("agent", min_length=1, description="Your name.")


@task(cache_policy=NO_CACHE)
def record_note(app: App, params: NoteParams) -> Report:
    """Record the note on the case."""
    from carecase.cases import add_note, unreachable

    add_note(app.db, params.case_id, params.text, for_customer=params.for_customer,
             author=params.author)
    report = Report("note-case")
    why = params.for_customer and unreachable(app.db, app.settings, params.case_id)
    if why:
        get_run_logger().warning(why)
        report.add("unreachable")
    report.add("customer notes" if params.for_customer else "internal notes")
    return report


@flow(name="note-case", flow_run_name="note-case-{params.case_id}", log_prints=True)
def note_case_flow(params: NoteParams, database_url_block: str | None = None) -> dict[str, int]:
    """Record an agent's note; customer notes go out with the next status update.

    Args:
        params: the case, the note, and whether the customer should hear it.
        database_url_block: name of a Prefect Secret block holding the database URL
            (default: carecase.toml / CARECASE_DATABASE_URL).
    """
    with run_app(database_url_block) as app:
        report = record_note(app, params)
    return publish(report).counts
