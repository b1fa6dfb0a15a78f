"""The close-case flow (P8, P9, P10): a personal follow-up, public notes, then closed.

``carecase.closing.close_case`` renders the follow-up in the customer's language, signed
by the agent, queues it with a short resolution note on each public thread of the case,
and closes the case; dispatch then sends them. Never a survey.

With ``care.approval = true`` the run first drafts the message, shows it (markdown
artifact and the form's description) and pauses until an agent approves or edits it in
the Prefect UI ("Resume" on the flow run); the approved text is what is sent.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from prefect import flow, get_run_logger, pause_flow_run, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.input import RunInput
from pydantic import BaseModel, Field

from carecase.bootstrap import App
from carecase.report import Report
from flows.common import publish, run_app
from flows.dispatch import dispatch_flow

if TYPE_CHECKING:
    from carecase.closing import Draft

APPROVAL_TIMEOUT = 8 * 3600  # a working day to approve; then the run fails visibly


class CloseCaseParams(BaseModel):
    """What the agent tells the customer when closing the case."""

    case_id: int = Field(gt=0, description="The case to close.")
    agent: str = Field(min_length=1, description="Your name: it signs the message.")
    happened: str = Field(min_length=1, description="What happened, as the customer "
                          "would recognise it (e.g. 'the courier did not call ahead').")
    done: str = Field(min_length=1, description="What we did about it.")
    fault: Literal["ours", "third_party", "none", "unknown"] | None = Field(
        None, description="Whose fault it was: 'ours' is the only one apologised for. "
        "Empty keeps the case's current attribution.")
    gesture: str | None = Field(None, description="A goodwill gesture, e.g. a discount code.")
    note: str | None = Field(None, description="A personal line to add to the message.")


class ApprovalInput(RunInput):
    """The agent's answer to a drafted follow-up."""

    approve: bool = Field(True, description="Send it (untick to leave the case open).")
    text: str = Field(description="The message to send; edit it as you like.")


@task(cache_policy=NO_CACHE)
def draft(app: App, params: CloseCaseParams):
    """Render the personal follow-up for approval."""
    from carecase.closing import draft_close

    return draft_close(app.db, app.settings, params.case_id, **_args(params))


@task(cache_policy=NO_CACHE)
def close(app: App, params: CloseCaseParams, text: str | None) -> Report:
    """Queue the follow-up and the public notes, and close the case."""
    from carecase.closing import close_case

    return close_case(app.db, app.settings, params.case_id, text=text, **_args(params))


def _args(params: CloseCaseParams) -> dict:
    return params.model_dump(exclude={"case_id"})


def ask_approval(params: CloseCaseParams, drafted) -> ApprovalInput:
    """Show the draft and pause until an agent approves or edits it in the UI."""
    shown = draft_markdown(params.case_id, drafted)
    create_markdown_artifact(shown, key=f"close-case-{params.case_id}-draft",
                             description="The drafted follow-up, waiting for approval")
    return pause_flow_run(
        wait_for_input=ApprovalInput.with_initial_data(
            description=shown + "\n\nApprove or edit the text, then resume the run.",
            approve=True, text=drafted.text),
        timeout=APPROVAL_TIMEOUT, poll_interval=2,
    )


def draft_markdown(case_id: int, drafted: Draft) -> str:
    """The draft as the artifact and the approval form show it, every field as written:
    the customer's name and the agent's words are escaped, so that a name such as
    "[Anna](https://…)" shows as text, not as a link in the agents' UI."""
    return (f"### Follow-up for case {case_id} ({drafted.language})\n\n"
            f"**To:** {_md(str(drafted.recipient))}  \n**Subject:** {_md(drafted.subject)}"
            "\n\n" + "\n".join(f"> {_md(line)}" for line in drafted.text.splitlines()))


_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~&])")


def _md(text: str) -> str:
    """``text`` shown literally in CommonMark: its punctuation backslash-escaped."""
    return _MARKDOWN.sub(r"\\\1", text)


@flow(name="close-case", flow_run_name="close-case-{params.case_id}", log_prints=True)
def close_case_flow(params: CloseCaseParams,
                    database_url_block: str | None = None) -> dict[str, int]:
    """Close a case with a personal follow-up (no survey) and a public resolution note.

    Args:
        params: the case, the agent and what happened and was done.
        database_url_block: name of a Prefect Secret block holding the database URL
            (default: carecase.toml / CARECASE_DATABASE_URL).
    """
    text = None
    with run_app(database_url_block) as app:
        approval = app.settings.care.approval
        drafted = draft(app, params) if approval else None
    if drafted is not None:  # the pause holds no database connection
        answer = ask_approval(params, drafted)
        if not answer.approve:
            get_run_logger().info("case %s: follow-up not approved; left open", params.case_id)
            report = Report("close-case")
            report.add("not approved")
            return publish(report).counts
        text = answer.text
    with run_app(database_url_block) as app:
        report = close(app, params, text)
        publish(report)
        dispatch_flow(database_url_block=database_url_block)
    return report.counts
