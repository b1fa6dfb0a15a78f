"""Replies on X: addressed to the author, unique per author, within 280 characters."""

from __future__ import annotations

import pytest

from carecase import policy, render

BUSINESS = {"name": "Nordic Shoes", "email": "care@nordicshoes.example",
            "phone": "+46 8 123 45 67", "signature": "Nordic Shoes customer care"}


@pytest.mark.parametrize("language", render.LANGUAGES)
@pytest.mark.parametrize("template", ["public_ack", "thank_you", "public_resolution"])
@pytest.mark.parametrize("emailed", [False, True])
def test_every_public_reply_fits_on_x(language, template, emailed):
    ctx = render.base_context(business=BUSINESS, customer={"name": "Anna Andersson"},
                              emailed=emailed)
    text = policy.fit_for_x(render.render(template, language, **ctx).text, "@anna_a")
    assert len(text) <= policy.X_LIMIT and text.startswith("@anna_a ")
    if template == "public_ack" and not emailed:  # P4: the invitation survives shortening
        assert "care@nordicshoes.example" in text


def test_same_words_to_two_people_are_two_different_posts():
    text = "Hi Anna, thanks!\n– Nordic Shoes"
    assert policy.fit_for_x(text, "anna_a") != policy.fit_for_x(text, "@anna_b")


def test_a_text_with_no_sentences_to_drop_is_cut_with_an_ellipsis():
    text = policy.fit_for_x("x" * 400, None)
    assert len(text) == policy.X_LIMIT and text.endswith("…")
