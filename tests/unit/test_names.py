"""Names (P14): how the ways one person names themselves are parsed and compared."""

from __future__ import annotations

import pytest

from carecase.names import (
    compare,
    first_names,
    greeting,
    name_keys,
    parse_handle,
    parse_name,
    signature,
)


def name(raw: str, source: str = "name"):
    return parse_name(raw, source)


def handle(raw: str, source: str = "handle"):
    return parse_handle(raw, source)


def test_address_book_order_is_read_as_first_then_last():
    assert compare(name("Lindgren, Lars"), name("Lars Lindgren")) == "full name"
    assert compare(name("LINDGREN Lars"), name("Lars Lindgren")) == "full name"
    assert name("Kim Anna").first == "kim"  # two first names: taken as written


@pytest.mark.parametrize(("raw", "kind"), [
    ("birgittaanderss", "handle = full name"),   # X cuts handles at 15 characters
    ("synnoeveaune", "handle = full name"),      # ø written as oe
    ("solveig_a_berge", "first name + initial"),
    ("aandersson", "initial + surname"),
])
def test_handles_that_spell_the_name(raw, kind):
    full = {"birgittaanderss": "Birgitta Andersson", "synnoeveaune": "Synnøve Aune",
            "solveig_a_berge": "Solveig Aune", "aandersson": "Anna Andersson"}[raw]
    assert compare(handle(raw), name(full)) == kind


def test_a_truncated_handle_has_a_key_the_full_name_has():
    assert "n:birgitta+a" in name_keys(handle("birgittaanderss"))
    assert "n:birgitta+a" in name_keys(name("Birgitta Andersson"))
    assert "h:synnoeveaune" in name_keys(name("Synnøve Aune"))
    assert "h:holmgustav" in name_keys(name("Gustav Holm"))  # "holm.gustav@..."


def test_a_handle_must_start_with_the_name():
    # "espen.andreassen" contains "nandreassen" but does not spell N. Andreassen
    assert compare(name("Nora Andreassen"), handle("espen.andreassen@online.no", "e-mail")) \
        is None


def test_an_address_with_another_first_name_and_the_same_surname_is_a_conflict():
    assert compare(name("Tone Johansen"), handle("trond.johansen@online.no", "e-mail")) is None


def test_a_word_as_display_name_is_no_conflict():
    # "Coffeelover" is not a first name: it neither agrees with nor contradicts Richard
    assert compare(name("Coffeelover"), name("Richard Smith", "signature")) == ""
    assert compare(name("Anna"), name("Erik Andersson")) is None


def test_a_shortened_first_name_is_no_conflict():
    assert compare(name("Alex Hansen"), name("Alexandra Hansen")) is not None


def test_a_nickname_may_stand_for_several_names():
    # Kris is Kristian or Kristoffer: a full name with either, and keys both will find
    assert compare(name("Kris Hansen"), name("Kristian Hansen")) == "full name"
    assert compare(name("Kris Hansen"), name("Kristoffer Hansen")) == "full name"
    assert compare(name("Kristian Hansen"), name("Kristoffer Hansen")) is None
    assert compare(handle("krisjohansen"), name("Kristian Johansen")) == "handle = full name"
    keys = name_keys(name("Kris Johansen"))
    assert {"n:kristian+johansen", "n:kristoffer+johansen"} <= set(keys)
    assert "n:kristian+johansen" in name_keys(name("Kristian Johansen"))
    assert set(first_names(name("Kris 🌻"))) == {"kristian", "kristoffer"}
    assert compare(name("Inga Solheim"), name("Ingeborg Solheim")) == "full name"


def test_same_word_handle_with_other_digits_is_two_people():
    assert compare(handle("nightowl363"), handle("nightowl88")) == "short handle"
    assert compare(handle("annaandersson82", "e-mail"), handle("annaandersson")) == \
        "same handle"


def test_first_names_of_forms():
    assert first_names(name("Fredde 🌻")) == ("fredrik",)
    assert first_names(handle("lasse_71")) == ("lars",)
    assert first_names(handle("sunflower61")) == ()


@pytest.mark.parametrize("signoff", ["Tack på förhand", "På forhånd tak", "Takk på forhånd",
                                     "Med vennlig hilsen", "Med venlig hilsen", "Vennlig hilsen",
                                     "Med vänlig hälsning", "Mvh", "Kind regards"])
def test_signature_after_a_signoff(signoff):
    names, _, start = signature(f"Hej!\n\nPaketet har inte kommit.\n\n{signoff}\nGustav Holm")
    assert names == ("Gustav Holm",) and start is not None
    # a first name alone counts only after a sign-off
    names, _, start = signature(f"Hej!\n\nPaketet har inte kommit.\n\n{signoff}\nEirik")
    assert names == ("Eirik",) and start is not None


def test_to_ascii_is_unidecode():
    import random

    from unidecode import unidecode

    from carecase.names import to_ascii

    r = random.Random(7)
    texts = ["Sørensen", "Åsa Öberg", "Ærø – “citat” … 5 €", "plain ascii", "", "漢字 😀 ﬁ",
             "Zürich\u200b\u202edlrow"]
    anywhere = [c for c in range(0x20, 0x30000, 7) if not 0xD800 <= c < 0xE000]  # no surrogates
    texts += ["".join(chr(r.choice(anywhere)) for _ in range(40)) for _ in range(300)]
    texts += ["".join(chr(r.randrange(0x80, 0x2100)) for _ in range(40)) for _ in range(300)]
    for text in texts:
        assert to_ascii(text) == unidecode(text), text


def test_a_form_pickled_by_another_process_hashes_as_this_ones_own():
    """The worker process sends the engine its messages' name forms, pickled; a form
    keeps its hash once worked out, and each process hashes strings its own way, so an
    unpickled form must hash anew or it would never equal this process's own in a set or
    the compare memo."""
    import os
    import pickle
    import subprocess
    import sys

    code = ("import pickle, sys; from carecase.names import parse_name; "
            "sys.stdout.buffer.write(pickle.dumps(parse_name('Åsa Öberg-Lind')))")
    sent = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          env={**os.environ, "PYTHONHASHSEED": "12345"}).stdout
    here = parse_name("Åsa Öberg-Lind")
    there = pickle.loads(sent)
    assert there == here and hash(there) == hash(here)
    assert len({here, there}) == 1 and compare(there, here) == compare(here, here)


@pytest.mark.parametrize("raw,greet", [
    ("Anna Andersson", "Anna"), ("Björk Svensson", "Björk"), ("ANNA ANDERSSON", "Anna"),
    ("anne-marie berg", "Anne-Marie"), ("McKenzie Brown", "McKenzie"),
    ("Lindgren, Lars", "Lars"), ("Dr Anna Berg", "Anna"), ("Анна Петрова", "Анна"),
    ("Kalle", "Kalle"),
    # nothing to greet by: anonymous, an initial, no name at all
    ("A Google User", ""), ("A. Andersson", ""), ("", ""), (None, ""), ("  ", ""),
    # never repeated in a public reply: a mention, an address, a link, a handle
    ("@elonmusk", ""), ("anna.andersson@example.se", ""), ("www.free-iphone.example Deals", ""),
    ("fjord251", ""), ("A" * 31 + " Berg", ""),
])
def test_greeting_is_a_first_name_as_written_or_nothing(raw, greet):
    assert greeting(raw) == greet


@pytest.mark.parametrize("raw,greet", [
    # a surname after a title is no first name: greet no one
    ("Mr. Smith", ""), ("Fru Hansen", ""), ("Hr. Nielsen", ""), ("Mrs Smith", ""),
    ("Ms. Jones", ""), ("Miss Brown", ""), ("Mx Taylor", ""), ("Prof Berg", ""),
    ("Sir Paul", ""), ("Herr Nilsson", ""), ("Frk. Jensen", ""), ("Fröken Ek", ""),
    ("Frøken Dahl", ""), ("Fr Holm", ""), ("Dame Judi", ""), ("Fru", ""),
    ("Mr & Mrs Smith", ""), ("Hr. og Fru Nielsen", ""),
    ("Hr. Møller Jensen", ""),  # a double surname: the first is no first name either
    # a known first name and a surname after a title: the first name, never the title
    ("Frøken Ida Dahl", "Ida"), ("Mx Kim Larsen", "Kim"), ("Prof. Dr. Hans Berg", "Hans"),
])
def test_a_title_is_never_greeted_nor_the_surname_after_it(raw, greet):
    assert greeting(raw) == greet


@pytest.mark.parametrize("raw", [
    "Familjen Svensson", "The Johnsons", "Familien Jensen", "Familie Hansen", "Fam Berg",
    "Fam. Berg", "Smith Family", "The Smith Family",
])
def test_a_family_is_greeted_by_no_one(raw):
    assert greeting(raw) == ""


@pytest.mark.parametrize("raw", [
    "Ikke oplyst", "Ikke angivet", "Ej angivet", "Okänd", "Ukjent", "Unknown", "Unknown user",
    "N/A", "Anonym", "Anonym kunde", "Kunde", "Kunde 4711", "Kund", "Kund 123", "Customer",
    "Customer Service", "Google User 12", "Privat", "Info", "Admin", "Support", "Shop",
    "Kundservice", "Nordic Shoes Kundeservice",
    # companies
    "Hansen ApS", "Berg AB", "Nordic AS", "Nordic ASA", "Smith Ltd", "Smith Ltd.", "Berg A/S",
])
def test_a_label_or_a_company_is_greeted_by_no_one(raw):
    assert greeting(raw) == ""


@pytest.mark.parametrize("raw,greet", [
    # two or three capitals are initials or an acronym ...
    ("KB", ""), ("DJ Khaled", ""), ("NA", ""), ("AB Volvo", ""), ("KIM Larsen", ""),
    # ... unless the whole name is in capitals and the word is a first name
    ("BO SVENSSON", "Bo"), ("EVA", "Eva"), ("bo ek", "Bo"),
])
def test_short_capitals_are_initials_unless_the_whole_name_is_in_capitals(raw, greet):
    assert greeting(raw) == greet


@pytest.mark.parametrize("raw,greet", [
    ("Kim", "Kim"), ("Bo", "Bo"), ("Ole", "Ole"), ("Ida", "Ida"), ("Eva", "Eva"),
    ("Bo Ek", "Bo"), ("Hr. Bo Jensen", "Bo"), ("Fru Anna Hansen", "Anna"),
    ("Åsa Berg", "Åsa"), ("Berg Åsa", "Åsa"),  # Åsa folds to asa, a company form
    ("Emily Post", "Emily"), ("Christopher Guest", "Christopher"),
    ("Jonas Gahr Støre", "Jonas"), ("Anna da Silva", "Anna"), ("Anna Berg (privat)", "Anna"),
    ("Theo Berg", "Theo"), ("Thé Berg", "Thé"),
])
def test_first_names_like_those_words_are_still_greeted(raw, greet):
    assert greeting(raw) == greet


def test_no_word_that_names_no_one_is_a_first_name():
    from carecase.names import GREETING_TITLES, _not_names, is_first_name

    assert not {w for w in _not_names() | GREETING_TITLES if is_first_name(w)}
