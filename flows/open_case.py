"""The open-case flow: give a message carecase left without a case one, from the UI.

A comment carecase read as neither a complaint nor a question gets no case and no
answer; an agent who reads it names it here (``carecase messages list --without-case``
lists them). The same as ``carecase cases open CHANNEL:EXTERNAL_ID``; the dispatch that
follows sends the acknowledgments, each once.
"""

from __future__ import annotations

from typing import Literal

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, Field

from carecase.bootstrap import App
from carecase.report import Report
from flows.common import publish, run_app
from flows.dispatch import dispatch_flow


class OpenParams(BaseModel):
    """A message to give a case, and what it is."""

    message: str = Field(min_length=3, description="CHANNEL:EXTERNAL_ID, e.g. "
                         "facebook:111_222, or the message's id.")
    kind: Literal["complaint", "question"] = Field(
        "complaint", description="What the message is: it is answered as one.")
    agent: str | None = Field(None, description="Your name: the acknowledgment is signed "
                              "by you if the case has no agent yet.")


@task(cache_policy=NO_CACHE)
def open_for(app: App, params: OpenParams) -> Report:
    """Give the message a case and queue its acknowledgments."""
    from carecase.opening import open_case

    _, report = open_case(app.db, app.settings, params.message, kind=params.kind,
                          agent=params.agent)
    return report


@flow(name="open-case", flow_run_name="open-case-{params.message}", log_prints=True)
def open_case_flow(params: OpenParams, database_url_block: str | None = None
                   ) -> dict[str, int]:
    """Give a message carecase left without a case one; answer it as a complaint or a
    question.

    Args:
        params: the message, what it is, and who you are.
        database_url_block: name of a Prefect Secret block holding the database URL
            (default: carecase.toml / CARECASE_DATABASE_URL).
    """
    with run_app(database_url_block) as app:
        report = open_for(app, params)
        publish(report)
        dispatch_flow(database_url_block=database_url_block)
    return report.counts
