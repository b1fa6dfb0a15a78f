"""What the approval form shows of a drafted follow-up: the text as it will be sent."""

from __future__ import annotations

from markdown_it import MarkdownIt  # rich's markdown parser, a CommonMark one

from carecase.closing import Draft
from flows.close_case import draft_markdown


def test_the_draft_shows_a_customers_markup_as_text_not_as_a_link_or_html():
    name = "[Anna](https://evil.example) <img src=x onerror=alert(1)>"
    drafted = Draft(case_id=7, language="sv", subject=f"Ditt ärende, {name}",
                    text=f"Hej {name}!\n\n*Tack* för att du skrev.\n1. Kuriren ringer\n- nu",
                    recipient="anna@example.se")
    html = MarkdownIt("commonmark").render(draft_markdown(7, drafted))
    assert "<a " not in html and "<img" not in html and "<em>" not in html
    assert "<ol>" not in html and "<ul>" not in html  # the agent's lines stay lines
    # every word of it is there, as written (HTML-escaped by the renderer)
    assert "Hej [Anna](https://evil.example) &lt;img src=x onerror=alert(1)&gt;!" in html
    assert "*Tack* för att du skrev." in html and "anna@example.se" in html
    assert html.startswith("<h3>Follow-up for case 7 (sv)</h3>")
