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
    assert policy.x_length(text) <= policy.X_LIMIT and text.startswith("@anna_a ")
    if template == "public_ack" and not emailed:  # P4: the invitation survives shortening
        assert "care@nordicshoes.example" in text


def test_same_words_to_two_people_are_two_different_posts():
    text = "Hi Anna, thanks!\n– Nordic Shoes"
    assert policy.fit_for_x(text, "anna_a") != policy.fit_for_x(text, "@anna_b")


def test_a_text_with_no_sentences_to_drop_is_cut_with_an_ellipsis():
    text = policy.fit_for_x("x" * 400, None)
    assert policy.x_length(text) == policy.X_LIMIT and text.endswith("…")


@pytest.mark.parametrize(("text", "length"), [
    ("Hej Åsa, tak for beskeden!", 26),  # Nordic letters weigh one
    ("Tack 🙏", 7),  # an emoji two
    ("Se sko.dk/kontakt eller https://www.nordicshoes.example/hjalp/retur", 23 + 23 + 10),
    ("Skriv till care@nordicshoes.example", 35),  # an address is no link
])
def test_a_post_is_counted_as_x_counts_it(text, length):
    assert policy.x_length(text) == length


def test_a_reply_with_links_and_emoji_is_shortened_to_what_x_takes():
    # under 280 characters, but over 280 as X counts them: X would refuse it, for good
    text = ("Hej Anna! " + "Vi har tittat på din order och skickar en ny. " * 4
            + "Spåra den på sko.dk/spar. Tack! " + "🙏" * 30 + "\n– Nordic Shoes")
    assert len("@anna_a " + " ".join(text.split())) <= policy.X_LIMIT < policy.x_length(text)
    fitted = policy.fit_for_x(text, "@anna_a")
    assert policy.x_length(fitted) <= policy.X_LIMIT
    assert fitted.startswith("@anna_a Hej Anna!") and fitted.endswith("🙏")
