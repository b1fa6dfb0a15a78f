"""The case engine on PostgreSQL: who, which case, what is queued (policy.md P1-P16)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from carecase import batch, cases, closing, engine, evidence, model, rerun
from carecase.errors import InputError
from carecase.model import Author, Message
from carecase.store.queries import Q

T0 = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
APOLOGY = re.compile(r"\b(sorry|apologi[sz]e|undskyld|beklager|förlåt|ursäkt|beklagar)\b",
                     re.I)


def msg(channel: str, ext: str, text: str, minutes: int = 0, **kw) -> Message:
    author = kw.pop("author", Author())
    return Message(channel=channel, external_id=ext, text=text,
                   created_at=T0 + timedelta(minutes=minutes), author=author,
                   public=kw.pop("public", channel != "email"), **kw)


def run(db, settings, *messages: Message, now: datetime | None = None):
    with db.connection() as conn:
        return engine.process(conn, settings, list(messages), now=now or T0 + timedelta(hours=1))


def outbox(db) -> list[dict]:
    with db.connection() as conn:
        return conn.execute("SELECT * FROM outbox ORDER BY id").fetchall()


ANNA_MAIL = msg("email", "a1@mail.example",
                "Hej! Mitt paket med order 123456 har inte kommit fram. Vad gör ni åt det?",
                author=Author(name="Anna Andersson", email="Anna.Andersson@example.se"),
                subject="Var är mitt paket?")
ANNA_FB = msg("facebook", "111_222", "Mitt paket (order 123456) har fortfarande inte kommit. "
              "Jag har mejlat er också, ingen svarar!", 35,
              author=Author(id="9001", name="Anna Andersson"), thread_id="111_222")
ANNA_X = msg("x", "186001", "@nordicshoes var är mitt paket? Skrev på er Facebook också. "
             "#123456", 56, author=Author(id="44", name="Anna A", handle="@annaandersson"))


def test_one_customer_across_three_channels_is_one_case_with_evidence(db, settings):
    report = run(db, settings, ANNA_MAIL, ANNA_FB, ANNA_X)
    assert report.counts["cases_opened"] == 1 and report.counts["cases_joined"] == 2
    [case] = cases.list_cases(db)
    shown = cases.show(db, case["id"])
    assert [m["channel"] for m in shown["messages"]] == ["email", "facebook", "x"]
    merges = [e for e in shown["events"] if e["kind"] == "merged"]
    assert len(merges) == 2 and all(e["detail"]["evidence"] for e in merges)
    assert {"kind": "email", "value": "anna.andersson@example.se"} in \
        shown["customer"]["identities"]
    rows = outbox(db)
    by_template = {(r["channel"], r["template"]) for r in rows}
    # P4: acknowledged where she wrote in public, and privately by e-mail, once
    assert by_template == {("email", "private_ack"), ("facebook", "public_ack"),
                           ("x", "public_ack")}
    private = next(r for r in rows if r["template"] == "private_ack")
    assert private["recipient"] == "anna.andersson@example.se"
    assert private["headers"]["In-Reply-To"] == "<a1@mail.example>"
    assert private["headers"]["Auto-Submitted"] == "auto-replied"
    assert private["subject"] == "Re: Var är mitt paket?"
    assert "17:00" in private["body"]  # P7: the first reply promises the daily update
    assert all(r["language"] == "sv" for r in rows)  # P15
    assert not any(APOLOGY.search(r["body"]) for r in rows)  # P5: fault unknown


def test_importing_again_queues_nothing_more(db, settings):
    run(db, settings, ANNA_MAIL, ANNA_FB)
    before = outbox(db)
    report = run(db, settings, ANNA_MAIL, ANNA_FB)
    assert report.counts["duplicates"] == 2 and report.counts["messages"] == 0
    assert outbox(db) == before


def test_a_reply_in_the_email_thread_joins_the_case_from_another_address(db, settings):
    run(db, settings, ANNA_MAIL)
    reply = msg("email", "a2@other.example", "Har ni hittat paketet än?", 90,
                author=Author(name="A", email="anna.work@firm.example"),
                parent_id="a1@mail.example", raw={"references": ["a1@mail.example"]})
    run(db, settings, reply)
    [case] = cases.list_cases(db)
    assert case["messages"] == 2
    # and the customer now also has the second address
    shown = cases.show(db, case["id"])
    assert {"kind": "email", "value": "anna.work@firm.example"} in \
        shown["customer"]["identities"]
    # no second automatic acknowledgment to a customer already in conversation (loops)
    assert sum(r["template"] == "private_ack" for r in outbox(db)) == 1


def test_a_surge_of_different_people_stays_separate_cases_in_one_incident(db, settings):
    names = ["Lena Berg", "Per Holm", "Karin Lund", "Ole Dahl", "Sara Ek", "Mats Strand",
             "Eva Nyberg", "Jonas Falk", "Ida Sjöberg", "Nils Vik", "Maja Ström", "Leo Björk"]
    surge = [msg("facebook", f"111_{i}", "PostNord har inte levererat mitt paket, igen!",
                 i, author=Author(id=f"fb{i}", name=n), thread_id=f"111_{i}")
             for i, n in enumerate(names)]
    run(db, settings, *surge)
    listed = cases.list_cases(db)
    assert len(listed) == len(names)
    assert len({c["incident"] for c in listed}) == 1 and listed[0]["incident"]
    acks = [r["body"] for r in outbox(db) if r["template"] == "private_ack"]
    assert len(acks) == len(names)  # P6: told in their words, never by the incident's key
    # the first to complain is not told others are affected: no one else was, yet
    first, *rest = acks
    assert "fler kunder" not in first and "(problem med leveranserna)" not in first
    assert all("fler kunder" in b and "(problem med leveranserna)" in b and "courier-" not in b
               for b in rest)
    # a later batch counts the cases stored under the incident
    run(db, settings, msg("facebook", "111_99", "PostNord tappade bort mitt paket.", 99,
                          author=Author(id="fb99", name="Tove Lind"), thread_id="111_99"))
    [later] = [r for r in outbox(db) if r["template"] == "private_ack" and
               r["target"] == "111_99"]
    assert "fler kunder" in later["body"]
    # as does a re-run that acknowledges a reviewer once an agent has their address
    run(db, settings, msg("google", "g-7", "PostNord levererade aldrig mitt paket.", 100,
                          author=Author(id="review/g-7", name="Maja Ek"), rating=1))
    [reviewed] = [c["id"] for c in cases.list_cases(db) if c["customer"] == "Maja Ek"]
    cases.add_contact(db, reviewed, email="maja.ek@example.se")
    rerun.rerun_case(db, settings, reviewed)
    [ack] = [r for r in outbox(db) if r["template"] == "private_ack" and
             r["case_id"] == reviewed]
    assert "fler kunder" in ack["body"]


def test_an_incident_is_shared_when_its_stored_cases_hold_another():
    assert not batch.incident_shared((0, None), 5)
    assert not batch.incident_shared((1, 5), 5)  # only this case
    assert batch.incident_shared((1, 4), 5) and batch.incident_shared((2, 5), 5)


@pytest.mark.parametrize("text", [
    "Ni har dragit pengar två gånger för min order!",
    "Dubbeldebiterad igen?! Vad håller ni på med",
    "Två dragningar på kortet för en order",
    "Jeg er blevet trukket to gange for samme ordre",
    "Dere har trukket meg to ganger!!",
    "I was charged twice for my order, fix this",
    "You charged me twice. Refund please.",
])
def test_a_double_charge_told_any_way_is_a_billing_incident(settings, text):
    from carecase.incidents import incident_for
    assert incident_for(text, T0, settings)[0] == "billing-2026-11-21"


def test_only_a_complaint_puts_its_case_under_an_incident(db, settings):
    def mail(ext: str, text: str) -> Message:
        return msg("email", f"{ext}@mail.example", text,
                   author=Author(name=f"Kund {ext.title()}", email=f"{ext}@example.se"))

    run(db, settings, mail("asks", "Please change the delivery address for order 123456."),
        mail("wonders", "Vilket bud levererar till Kiruna?"),
        mail("waits", "Mitt paket har inte kommit, PostNord säger ingenting."))
    grouped = {c["customer"]: c["incident"] for c in cases.list_cases(db)}
    assert grouped["Kund Asks"] is None and grouped["Kund Wonders"] is None
    assert grouped["Kund Waits"].startswith("courier-")
    acks = {r["recipient"]: r["body"] for r in outbox(db) if r["template"] == "private_ack"}
    assert "other customers" not in acks["asks@example.se"]


def test_card_number_and_insult_are_archived_hidden_and_explained(db, settings):
    bad = msg("facebook", "111_333", "Here is my card for the refund 4111 1111 1111 1111, "
              "you idiots", author=Author(id="9002", name="Lars Nielsen"), thread_id="111_333",
              url="https://facebook.com/111_333")
    run(db, settings, bad)
    rows = outbox(db)
    actions = {(r["action"], r["template"]) for r in rows}
    assert ("hide", None) in actions  # P2 default: hide, not delete
    notice = next(r for r in rows if r["template"] == "moderation_notice")
    assert notice["action"] == "private_reply" and notice["target"] == "111_333"
    assert "4111" not in notice["body"]
    assert not any(r["template"] == "public_ack" for r in rows)
    with db.connection() as conn:
        [ev] = conn.execute("SELECT * FROM evidence").fetchall()
    assert "card_number" in ev["reasons"] and evidence.verify(ev)
    assert "4111 1111 1111 1111" in ev["snapshot"]  # the archive keeps it as it was


def test_a_scammer_speaking_as_the_shop_under_a_complaint_is_hidden_not_answered(
        db, settings):
    complaint = msg("facebook", "111_40", "Mitt paket har inte kommit, tre veckor nu!",
                    author=Author(id="9040", name="Sara Lind"), thread_id="111_40")
    scam = msg("facebook", "111_40_1", "Hej Sara, vi beklagar. Fyll i formuläret så får du "
               "din återbetalning: https://nordic-shoes-refund.example/form", 2,
               author=Author(id="6660", name="Nordic Shoes Support"), thread_id="111_40",
               parent_id="111_40")
    run(db, settings, complaint, scam)
    rows = outbox(db)
    assert ("hide", "111_40_1") in {(r["action"], r["target"]) for r in rows}
    acks = [r["target"] for r in rows if r["template"] == "public_ack"]
    assert acks == ["111_40"]  # the customer is answered, the scammer is not
    # nor told why, nor given a case (of the billing incident the customer's may join)
    assert not any(r["template"] == "moderation_notice" for r in rows)
    assert [c["customer"] for c in cases.list_cases(db)] == ["Sara Lind"]


def test_a_comment_on_x_is_hidden_where_deleting_is_configured(db, settings):
    settings = settings.model_copy(update={"care": settings.care.model_copy(
        update={"moderation_action": "delete"})})
    bad = msg("x", "186777", "@nordicshoes my card 4111 1111 1111 1111, refund me",
              author=Author(id="4477", name="Lars N", handle="@larsn", email="lars@example.dk"),
              raw={"hideable": True})  # a reply under our own post
    run(db, settings, bad)
    rows = outbox(db)
    assert ("hide", "186777") in {(r["action"], r["target"]) for r in rows}  # X deletes nothing
    notice = next(r for r in rows if r["template"] == "moderation_notice")
    assert "Vi har dolt din kommentar på X" in notice["body"]  # not "tagit bort"
    assert "borttagen" not in notice["body"] and "tagit bort" not in notice["body"]


def test_a_threat_is_hidden_and_its_author_is_not_invited_to_post_again(db, settings):
    threat = msg("facebook", "111_335", "I know where your driver lives. Refund me or else.",
                 author=Author(id="9003", name="Lars Nielsen"), thread_id="111_335")
    run(db, settings, threat)
    notice = " ".join(next(r for r in outbox(db) if r["template"] == "moderation_notice")
                      ["body"].split())
    assert "against the law" in notice
    assert "criticism" not in notice and "post it again" not in notice


def test_the_public_reply_says_we_e_mailed_only_when_e_mail_is_on(db, settings):
    review = msg("trustpilot", "tp-5", "Paketet kom aldrig och ingen svarar.", rating=1,
                 author=Author(id="c-5", name="Eva Lind", email="eva@example.se"))
    off = settings.model_copy(update={"channels": settings.channels.model_copy(update={
        "email": settings.channels.email.model_copy(update={"enabled": False})})})
    run(db, off, review)
    [ack] = outbox(db)  # no e-mail to send: the public reply gives our address instead
    assert ack["template"] == "public_ack" and "mejl till dig" not in ack["body"]
    assert "care@nordicshoes.example" in ack["body"]


def test_the_public_reply_says_we_e_mailed_only_when_the_acknowledgment_went_by_e_mail(
        db, settings):
    karin = Author(id="9101", name="Karin Sjöberg")
    first = msg("facebook", "111_1", "Fel färg på skorna igen, tredje gången!", author=karin,
                thread_id="111_1")
    mailed = msg("email", "k1@mail.example", "Jag skrev på Facebook också. Order 482211 har "
                 "fel färg.", 15, author=Author(name="Karin Sjöberg",
                                                email="karin.sjoberg@example.se"))
    again = msg("facebook", "111_8", "Fortfarande inget svar. Bedrövligt.", 180, author=karin,
                thread_id="111_8")
    run(db, settings, first, again)
    assert len(cases.list_cases(db)) == 1
    rows = outbox(db)
    assert [(r["channel"], r["template"]) for r in rows if r["template"] == "private_ack"] \
        == [("facebook", "private_ack")]  # by Messenger: we know no address
    later = next(r for r in rows if r["target"] == "111_8")
    # so no "I have e-mailed you" (we have not): our address instead
    assert "mejl till dig" not in later["body"] and "care@nordicshoes.example" in later["body"]
    # her e-mail (written before, read later) is answered by e-mail, once
    run(db, settings, mailed)
    run(db, settings, msg("email", "k2@mail.example", "Och order 482211 är fortfarande fel.",
                          200, author=Author(name="Karin Sjöberg",
                                             email="karin.sjoberg@example.se")))
    assert cases.list_cases(db)[0]["messages"] == 4
    acks = [(r["channel"], r["recipient"]) for r in outbox(db) if r["template"] == "private_ack"]
    assert acks == [("facebook", None), ("email", "karin.sjoberg@example.se")], acks
    run(db, settings, msg("facebook", "111_9", "Hallå? Fel färg fortfarande!", 240,
                          author=karin, thread_id="111_9"))  # a later batch reads the outbox
    assert "mejl till dig" in next(r for r in outbox(db) if r["target"] == "111_9")["body"]
    # with the acknowledgment e-mailed, every public reply of the opening may say so
    run(db, settings, ANNA_MAIL, ANNA_FB)
    anna_fb = next(r for r in outbox(db) if r["target"] == ANNA_FB.external_id)
    assert "mejl till dig" in anna_fb["body"]


def test_a_deleted_comment_is_said_to_be_removed_not_hidden(db, settings):
    settings = settings.model_copy(update={"care": settings.care.model_copy(
        update={"moderation_action": "delete"})})
    bad = msg("facebook", "111_334", "Here is my card for the refund 4111 1111 1111 1111",
              author=Author(id="9002", name="Lars Nielsen"), thread_id="111_334")
    run(db, settings, bad)
    rows = outbox(db)
    assert ("delete", None) in {(r["action"], r["template"]) for r in rows}
    notice = " ".join(next(r for r in rows if r["template"] == "moderation_notice")["body"]
                      .split())
    assert "We have removed your comment" in notice and "we removed it" in notice
    assert "hid" not in notice


def test_what_no_one_can_hide_is_answered_and_flagged_never_said_to_be_hidden(db, settings):
    """P1/P2 for what a business cannot hide: an e-mail is seen by no one else, a review
    site lets no business hide a review, and X only replies to our own posts. Such a
    message is answered as any other (never told it was hidden), nothing is archived as
    moderated, and the agent sees what it holds."""
    card = msg("email", "cc1@mail.example", "Jag betalade med kortet 4111 1111 1111 1111 men "
               "fick ingen orderbekräftelse. Kan ni kolla?",
               author=Author(name="Olle Björk", email="olle@example.se"))
    review = msg("trustpilot", "tp-9", "Ni är ena jävla idioter, paketet kom aldrig och ingen "
                 "svarar.", 5, author=Author(id="c-9", name="Rolf Ek", email="rolf@example.se"),
                 rating=1)
    mention = msg("x", "186009", "@nordicshoes your driver is a moron, my parcel is lost", 9,
                  author=Author(id="77", name="Kim Dahl", handle="@kimd"))  # not to our post
    report = run(db, settings, card, review, mention)
    assert "moderated" not in report.counts
    rows = outbox(db)
    assert {(r["recipient"] or r["target"], r["template"]) for r in rows} == {
        ("olle@example.se", "private_ack"), ("tp-9", "public_ack"),
        ("rolf@example.se", "private_ack"), ("186009", "public_ack")}
    with db.connection() as conn:
        assert conn.execute("SELECT count(*) AS n FROM evidence").fetchone()["n"] == 0
    flagged = {e["detail"]["message"]: e["detail"] for c in cases.list_cases(db)
               for e in cases.show(db, c["id"])["events"] if e["kind"] == "flagged"}
    assert flagged["cc1@mail.example"]["reasons"] == ["card_number"]
    assert flagged["tp-9"]["reasons"] == ["personal_attack"]
    assert "report it there" in flagged["tp-9"]["why"]
    assert flagged["186009"]["reasons"] == ["personal_attack"]
    board = {row["flagged"] for row in cases.board(db, settings)}
    assert board == {"card_number", "personal_attack"}  # the agent sees it on the board


@pytest.mark.parametrize("text", [
    "This is the WORST shop ever!!! Three weeks and no parcel. I want my money back NOW, "
    "you are a disgrace to online shopping.",
    # an insult said of the shop by its name (business.name "Nordic Shoes") is criticism
    "Nordic Shoes are idiots, three weeks and no parcel. I want my money back NOW.",
])
def test_a_furious_complaint_is_answered_never_hidden(db, settings, text):
    angry = msg("facebook", "111_444", text, author=Author(id="9003", name="Bob Smith"),
                thread_id="111_444")
    run(db, settings, angry)
    rows = outbox(db)
    # P1: answered in public, and invited in private (Messenger private reply)
    assert {(r["template"], r["action"]) for r in rows} == {("public_ack", "reply"),
                                                            ("private_ack", "private_reply")}
    assert {r["language"] for r in rows} == {"en"}
    with db.connection() as conn:
        assert conn.execute("SELECT count(*) AS n FROM evidence").fetchone()["n"] == 0


def test_a_complaint_linking_our_own_shop_is_answered_never_hidden_as_spam(db, settings):
    linked = msg("facebook", "111_445", "Fick aldrig min rabatt och skorna är trasiga. Jag vill "
                 "ha mina pengar tillbaka! https://www.nordicshoes.example/order/55123",
                 author=Author(id="9004", name="Eva Lind"), thread_id="111_445")
    run(db, settings, linked)
    assert {r["template"] for r in outbox(db)} == {"public_ack", "private_ack"}
    assert batch.rules_for(settings).own_domains == frozenset({"nordicshoes.example"})


def test_praise_is_thanked_without_a_case(db, settings):
    praise = msg("trustpilot", "tp-1", "Fantastisk service og hurtig levering. Tak!",
                 author=Author(id="c-77", name="Mette Hansen"), rating=5)
    run(db, settings, praise)
    assert cases.list_cases(db) == []
    [row] = outbox(db)
    assert row["template"] == "thank_you" and row["language"] == "da"  # P11, P15


@pytest.mark.parametrize(("fine", "still"), [
    # each names a complaint word ("refund", "wrong size", "complaints") about a matter
    # that is fine or was put right
    pytest.param(["Tack för snabb återbetalning!",
                  "Thank you for sorting out the wrong size so quickly",
                  "No complaints, everything arrived on time"],
                 "Thanks for the refund, but the zip is still broken", id="put-right"),
    # "late", "skadad", "slow" denied, or told of other shops; denied where the denial is
    # bad news ("not been refunded") a complaint word still complains
    pytest.param(["The parcel was not late at all, great service",
                  "Kartongen var inte skadad, tack för fin förpackning!",
                  "Delivery was so quick, unlike other shops where it is so slow"],
                 "I have not been refunded, great service...", id="denied-or-of-others"),
    # a problem told of and put right in the same message; put right by someone else,
    # it still complains
    pytest.param(["The parcel was late at first, but customer service fixed it in a day",
                  "Fick fel storlek men ni skickade ett nytt par direkt",
                  "Pakken var forsinket. Men kundeservice løste det på en dag"],
                 "The zip broke, but luckily my husband fixed it", id="told-put-right"),
])
def test_thanks_for_putting_a_problem_right_is_thanked_not_opened_as_a_complaint(
        db, settings, fine, still):
    # the customer is thanked, not apologised to, told we understand their frustration
    # and sent a status update every day (P5, P11)
    settled = [msg("facebook", f"fb-{i}", text, author=Author(id=f"80{i}", name=name),
                   thread_id=f"fb-{i}")
               for i, (text, name) in enumerate(zip(fine, ["Eva Lind", "Liam Berg", "Per Holm"],
                                                    strict=True))]
    run(db, settings, *settled, msg("facebook", "fb-9", still,
                                    author=Author(id="809", name="Sara Ek"), thread_id="fb-9"))
    assert [c["customer"] for c in cases.list_cases(db)] == ["Sara Ek"]
    public = sorted((r["target"], r["template"]) for r in outbox(db) if r["action"] == "reply")
    assert public == [("fb-0", "thank_you"), ("fb-1", "thank_you"), ("fb-2", "thank_you"),
                      ("fb-9", "public_ack")]


def test_a_good_review_with_a_complaint_in_it_is_thanked_for_both(db, settings):
    mixed = msg("trustpilot", "tp-4", "Lovely shoes, but the delivery took forever.",
                author=Author(id="c-41", name="Liam Berg"), rating=4)
    glad = msg("trustpilot", "tp-5", "Lovely shoes and quick delivery!",
               author=Author(id="c-51", name="Sara Ek"), rating=5)
    run(db, settings, mixed, glad)
    assert cases.list_cases(db) == []  # praise on the whole (P11): no case, no updates
    bodies = {r["target"]: r["body"] for r in outbox(db)}
    assert "what could have been better" in bodies["tp-4"]
    assert "what could have been better" not in bodies["tp-5"]


def test_a_good_review_that_asks_for_care_opens_a_case(db, settings):
    asks = msg("trustpilot", "tp-41", "Love them, but how do I exchange them for a bigger "
               "size?", author=Author(id="c-41", name="Liam Berg"), rating=5)
    run(db, settings, asks)
    [case] = cases.list_cases(db)
    assert case["customer"] == "Liam Berg"
    [reply] = [r for r in outbox(db) if r["action"] == "reply"]
    assert reply["template"] == "public_ack" and "glad to help you" in reply["body"]


def test_a_good_review_that_asks_a_question_is_answered_a_rhetorical_one_thanked(db, settings):
    asks = msg("google", "g-42", "Jättebra skor! Finns de i svart?",
               author=Author(name="Alva Berg"), rating=5)
    praises = msg("trustpilot", "tp-43", "Snabb leverans och bra pris. Vad mer kan man "
                  "begära?", author=Author(id="c-43", name="Ines Holm"), rating=5)
    run(db, settings, asks, praises)
    assert [c["customer"] for c in cases.list_cases(db)] == ["Alva Berg"]
    replies = {r["target"]: r["template"] for r in outbox(db) if r["action"] == "reply"}
    assert replies == {"g-42": "public_ack", "tp-43": "thank_you"}


def test_a_three_star_review_is_thanked_and_asked_what_could_have_been_better(db, settings):
    # neither complaint nor praise nor question: it used to get no answer at all
    reviews = [
        msg("trustpilot", "tp-31", "Helt ok skor, inget speciellt.",
            author=Author(id="c-31", name="Eva Lind"), rating=3),
        msg("google", "g-32", "", author=Author(name="Per Holm"), rating=3),
        msg("google", "g-33", "Snygga skor, helt okej.", author=Author(name="Moa Ek"),
            rating=3),
        msg("trustpilot", "tp-34", "Skorna kom en vecka för sent.",
            author=Author(id="c-34", name="Sara Berg"), rating=3),
    ]
    run(db, settings, *reviews)
    assert [c["customer"] for c in cases.list_cases(db)] == ["Sara Berg"]  # the complaint
    bodies = {r["target"]: (r["template"], r["body"]) for r in outbox(db)
              if r["action"] == "reply"}
    assert bodies["tp-34"][0] == "public_ack"
    for target in ("tp-31", "g-32", "g-33"):
        template, body = bodies[target]
        assert template == "thank_you" and "vad vi kunde ha gjort bättre" in body, target
    five = msg("trustpilot", "tp-35", "Helt ok skor, inget speciellt.",
               author=Author(id="c-35", name="Liv Holm"), rating=5)
    run(db, settings, five)
    assert "vad vi kunde ha gjort bättre" not in {
        r["target"]: r["body"] for r in outbox(db)}["tp-35"]


def test_whatever_a_person_writes_to_us_in_private_opens_a_case_but_thanks(db, settings):
    def mail(ext: str, text: str, name: str) -> Message:
        return msg("email", f"{ext}@mail.example", text,
                   author=Author(name=name, email=f"{ext}@example.se"))

    asking = [
        mail("cancel", "Please cancel my order 123456.", "Liam Berg"),  # a request, no "?"
        mail("byta", "Hej, jag vill byta storlek på mina skor. Order 123457.", "Sara Lind"),
        mail("de", "Guten Tag, meine Bestellung 123777 ist seit zwei Wochen nicht "
             "angekommen.", "Klaus Müller"),  # a language the word lists do not know
        mail("photo", "", "Per Holm"),  # only an attachment (a photo of the damage)
    ]
    not_asking = [
        mail("thanks", "Tack för snabb leverans, skorna är perfekta!", "Eva Ek"),
        msg("facebook", "fb-1", "Nice photo of the new shop window", author=Author(
            id="555", name="Ola Nordmann"), thread_id="fb-1"),  # public: words must tell
    ]
    report = run(db, settings, *asking, *not_asking)
    assert report.counts["cases_opened"] == len(asking)
    opened = {c["customer"] for c in cases.list_cases(db)}
    assert opened == {"Liam Berg", "Sara Lind", "Klaus Müller", "Per Holm"}
    acked = {r["recipient"]: r["body"] for r in outbox(db) if r["template"] == "private_ack"}
    assert set(acked) == {f"{e}@example.se" for e in ("cancel", "byta", "de", "photo")}
    # words we cannot read as a complaint are offered help, not told we understand
    assert not any("frustr" in body for body in acked.values())


@pytest.mark.parametrize(("text", "code"), [
    ("Meine Bestellung ist seit zwei Wochen nicht angekommen und niemand antwortet mir.",
     "de"),  # lingua tells German
    ("Tilasin kengät kaksi viikkoa sitten eikä kukaan vastaa", "fi"),  # its words do
])
def test_a_comment_in_a_language_we_do_not_read_opens_a_case_for_an_agent(
        db, settings, text, code):
    foreign = msg("facebook", "fb-x", text, author=Author(id="4901", name="Klaus Virtanen"),
                  thread_id="fb-x")
    chatter = msg("facebook", "fb-sv", "Snygg bild på det nya skyltfönstret",
                  author=Author(id="4902", name="Ola Berg"), thread_id="fb-sv")
    run(db, settings, foreign, chatter)
    [case] = cases.list_cases(db)  # words we can read that ask for nothing open none
    assert case["customer"] == "Klaus Virtanen" and case["language"] == code
    [ack] = [r for r in outbox(db) if r["template"] == "public_ack"]
    # answered in the business's language (P15), offered help, not told we understand
    assert ack["language"] == "sv" and "hjälper dig gärna" in ack["body"]
    [row] = cases.board(db, settings)
    assert row["flagged"] == "language"  # an agent reads it and answers in its language


def test_a_question_is_answered_with_help_a_complaint_with_understanding(db, settings):
    asked = msg("facebook", "fb-q", "Hej, jag behöver hjälp med min order 124000",
                author=Author(id="901", name="Sara Lind"), thread_id="fb-q")
    told = msg("facebook", "fb-c", "Min order 124001 har fortfarande inte kommit fram!",
               author=Author(id="902", name="Nils Ek"), thread_id="fb-c")
    run(db, settings, asked, told)
    acks = {r["target"]: r["body"] for r in outbox(db) if r["template"] == "public_ack"}
    assert "Jag hjälper dig gärna med det här." in acks["fb-q"]
    assert "Jag förstår hur du känner" in acks["fb-c"] and "förstår" not in acks["fb-q"]
    assert "hjälper dig gärna" not in acks["fb-c"]


def test_machines_and_our_own_posts_are_stored_never_answered(db, settings):
    ooo = msg("email", "ooo1@mail.example", "I am out of office until Monday.",
              author=Author(name="Anna", email="anna.andersson@example.se"),
              raw={"headers": {"Auto-Submitted": "auto-replied"}}, subject="Automatic reply")
    own = msg("email", "own1@mail.example", "Thanks for your mail, we are on it.",
              author=Author(name="Care", email="care@nordicshoes.example"))
    # a retweet of someone's complaint passes on their words: theirs is answered
    retweet = msg("x", "186777", "RT @annaandersson: @nordicshoes var är mitt paket?",
                  author=Author(id="55", name="Per Holm", handle="@perholm"),
                  raw={"tweet": {"referenced_tweets": [{"type": "retweeted", "id": "186001"}]}})
    report = run(db, settings, ooo, own, retweet)
    assert report.counts["messages"] == 3 and report.counts["machine"] == 3
    assert outbox(db) == [] and cases.list_cases(db) == []


def closed_case_of_anna(db, settings) -> dict:
    """Anna's case from her e-mail, closed two hours after she wrote."""
    run(db, settings, ANNA_MAIL)
    [case] = cases.list_cases(db)
    with db.connection() as conn:
        conn.execute("UPDATE cases SET status = 'closed', closed_at = %s WHERE id = %s",
                     (T0 + timedelta(hours=2), case["id"]))
    return case


def test_a_case_closed_recently_reopens(db, settings):
    case = closed_case_of_anna(db, settings)
    again = msg("email", "a3@mail.example", "Paketet kom men skorna var fel storlek.", 60 * 24,
                author=Author(name="Anna Andersson", email="anna.andersson@example.se"))
    report = run(db, settings, again, now=T0 + timedelta(days=1, hours=1))
    assert report.counts["cases_reopened"] == 1
    [same] = cases.list_cases(db)
    assert same["id"] == case["id"] and same["status"] == "open"


def test_an_e_mail_is_answered_to_the_address_it_came_from(db, settings):
    """Anna wrote from anna.andersson@example.se; back from her other address (the same
    order), her case reopens and the acknowledgment goes to the address she wrote from,
    not the first of her addresses."""
    case = closed_case_of_anna(db, settings)
    again = msg("email", "a3@mail.example", "Order 123456 igen: skorna var fel storlek!",
                60 * 24, author=Author(name="Anna Andersson", email="anna@work.example"))
    report = run(db, settings, again, now=T0 + timedelta(days=1, hours=1))
    assert report.counts["cases_reopened"] == 1
    assert {"kind": "email", "value": "anna@work.example"} in \
        cases.show(db, case["id"])["customer"]["identities"]
    [ack] = [r for r in outbox(db) if r["key"] == f"private-ack:{case['id']}:2"]
    assert ack["recipient"] == "anna@work.example"
    assert ack["headers"]["In-Reply-To"] == "<a3@mail.example>"


def test_an_ok_after_the_close_is_kept_with_the_case_a_new_request_reopens_it(db, settings):
    case = closed_case_of_anna(db, settings)
    queued = len(outbox(db))
    anna = Author(name="Anna Andersson", email="anna.andersson@example.se")
    thanks = ("Ok", "👍", "Tack!", "Tack för hjälpen, ni är bäst!")
    for i, text in enumerate(thanks):  # a new e-mail, not a reply
        report = run(db, settings, msg("email", f"ok{i}@mail.example", text, 60 * 24 + i,
                                       author=anna), now=T0 + timedelta(days=1, hours=1))
        assert "cases_reopened" not in report.counts and "cases_opened" not in report.counts
    [same] = cases.list_cases(db)
    assert same["status"] == "closed" and len(outbox(db)) == queued  # nothing sent
    kept = [m["text"] for m in cases.show(db, case["id"])["messages"]]
    assert kept[-4:] == list(thanks)  # on the case, for the agent to see
    more = msg("email", "a4@mail.example", "Jag vill byta storlek på de andra skorna också.",
               60 * 25, author=anna)
    report = run(db, settings, more, now=T0 + timedelta(days=1, hours=2))
    assert report.counts["cases_reopened"] == 1
    [reopened] = cases.list_cases(db)
    assert reopened["id"] == case["id"] and reopened["status"] == "open"


def test_an_edit_that_changed_nothing_is_kept_and_not_decided_again(db, settings):
    """A review channel moved a review's time without its author changing a word (a
    moderation pass, a verification): the "edit" is stored, on the review's case, and
    neither reopens the closed case nor sends anything; an edit that changes the words
    or the stars is decided as any message."""
    ole = Author(id="tp-c-7", name="Ole Berg", email="ole.berg@example.no")
    review = msg("trustpilot", "r7", "Skoene gikk i stykker etter en uke.", rating=1,
                 author=ole, thread_id="r7")
    run(db, settings, review)
    [case] = cases.list_cases(db)
    with db.connection() as conn:
        conn.execute("UPDATE cases SET status = 'closed', closed_at = %s WHERE id = %s",
                     (T0 + timedelta(hours=2), case["id"]))
    queued = len(outbox(db))
    same = msg("trustpilot", model.version_id("r7", "2026-11-22T09:00:00Z"), review.text,
               60 * 20, rating=1, author=ole, thread_id="r7")
    report = run(db, settings, same, now=T0 + timedelta(days=1))
    assert report.counts["unchanged"] == 1
    assert "cases_reopened" not in report.counts and "queued" not in report.counts
    [closed] = cases.list_cases(db)
    assert closed["status"] == "closed" and len(outbox(db)) == queued  # nothing sent
    shown = cases.show(db, case["id"])
    assert [m["external_id"] for m in shown["messages"] if m["direction"] == "in"] == \
        ["r7", same.external_id]  # kept, on the review's case, for the agent to see
    changed = msg("trustpilot", model.version_id("r7", "2026-11-22T10:00:00Z"),
                  "Oppdatering: fortsatt ingen svar på reklamasjonen.", 60 * 21, rating=1,
                  author=ole, thread_id="r7")
    report = run(db, settings, changed, now=T0 + timedelta(days=1, hours=1))
    assert "unchanged" not in report.counts and report.counts["cases_reopened"] == 1
    restarred = msg("trustpilot", model.version_id("r7", "2026-11-22T11:00:00Z"),
                    changed.text, 60 * 22, rating=3, author=ole, thread_id="r7")
    assert "unchanged" not in run(db, settings, restarred,
                                  now=T0 + timedelta(days=1, hours=2)).counts


def test_split_separates_and_is_never_merged_again(db, settings):
    run(db, settings, ANNA_MAIL, ANNA_FB)
    [case] = cases.list_cases(db)
    new_case = cases.split(db, case["id"], "facebook:111_222")
    assert cases.show(db, new_case)["messages"][0]["external_id"] == "111_222"
    assert [m["channel"] for m in cases.show(db, case["id"])["messages"]] == ["email"]
    later = msg("facebook", "111_555", "Någon nyhet om mitt paket, order 123456?", 120,
                author=Author(id="9001", name="Anna Andersson"), thread_id="111_555")
    run(db, settings, later)
    assert [m["external_id"] for m in cases.show(db, new_case)["messages"]] == \
        ["111_222", "111_555"]
    kinds = [e["kind"] for e in cases.show(db, case["id"])["events"]]
    assert "split" in kinds


def test_an_accounts_first_poll_answers_nothing_older_than_first_poll_days(db, settings):
    from tests.fakes import RecordingChannel

    settings = settings.model_copy(update={"care": settings.care.model_copy(
        update={"first_poll_days": 30})})
    now = datetime.now(UTC)
    old = Message(channel="trustpilot", external_id="tp-old", rating=1, created_at=now
                  - timedelta(days=400), text="Paketet kom aldrig, usel service.",
                  author=Author(id="c-1", name="Eva Lind"))
    new = Message(channel="trustpilot", external_id="tp-new", rating=1, created_at=now
                  - timedelta(hours=2), text="Paketet kom aldrig, usel service.",
                  author=Author(id="c-2", name="Bo Berg"))
    channel = RecordingChannel("trustpilot", inbox=[old, new])
    report = engine.ingest(db, settings, channel)  # connecting an account with a past
    assert report.counts["history"] == 1
    with db.connection() as conn:
        rows = {r["external_id"]: r for r in conn.execute(
            "SELECT external_id, machine, case_id, customer_id FROM messages")}
    assert rows["tp-old"]["machine"] == "history" and rows["tp-old"]["case_id"] is None
    assert rows["tp-old"]["customer_id"] is not None  # kept and matched, not answered
    assert {r["target"] for r in outbox(db)} == {"tp-new"}
    # once the account has a cursor, an old-dated message is read as any other
    late = Message(channel="trustpilot", external_id="tp-late", rating=1, created_at=now
                   - timedelta(days=90), text="Fortfarande ingen återbetalning!",
                   author=Author(id="c-3", name="Per Holm"))
    channel.inbox.append(late)
    assert "history" not in engine.ingest(db, settings, channel).counts
    assert "tp-late" in {r["target"] for r in outbox(db)}


def test_link_merges_two_cases_and_records_it(db, settings):
    a = msg("google", "g-1", "Väldigt dålig service, ingen svarar.", author=Author(name="Kim"),
            rating=1)
    b = msg("facebook", "111_666", "Ingen svarar i telefon, jag ger upp.", 5,
            author=Author(id="77", name="Kim Svensson"), thread_id="111_666")
    run(db, settings, a, b)
    first, second = (c["id"] for c in cases.list_cases(db))
    cases.link(db, first, second)
    assert len(cases.show(db, first)["messages"]) == 2
    assert cases.show(db, second)["status"] == "closed"
    assert any(e["kind"] == "linked" for e in cases.show(db, first)["events"])
    with pytest.raises(InputError, match=f"case {second} was linked into case {first} "
                                         "already"):
        cases.link(db, first, second)  # twice: nothing more happens
    # an open case is never linked into a closed one (its answers would follow it)
    run(db, settings, msg("facebook", "111_667", "Min order 555123 kom aldrig fram!", 10,
                          author=Author(id="78", name="Per Holm"), thread_id="111_667"))
    closing.close_case(db, settings, first, agent="Lisa", happened="h", done="d")
    [third] = [c["id"] for c in cases.list_cases(db) if c["id"] not in (first, second)]
    with pytest.raises(InputError, match=f"case {first} is closed and case {third} is not"):
        cases.link(db, first, third)
    assert cases.show(db, third)["status"] == "open"


@pytest.mark.parametrize("text,lang", [
    ("Jeg har ventet i tre uger på min pakke, og ingen svarer på mine mails.", "da"),
    ("Jeg har ventet i tre uker på pakken min, og ingen svarer på e-postene mine.", "nb"),
    ("Jag har väntat i tre veckor på mitt paket och ingen svarar på mina mejl.", "sv"),
    ("I have waited three weeks for my parcel and nobody answers my e-mails.", "en"),
])
def test_replies_in_the_customers_language(db, settings, text, lang):
    run(db, settings, msg("facebook", "111_777", text, author=Author(id="5", name="N N"),
                          thread_id="111_777"))
    assert {r["language"] for r in outbox(db)} == {lang}


def test_a_short_complaint_in_danish_or_norwegian_is_not_answered_in_swedish(db, settings):
    # lingua is sure "Hvor er min pakke?" is Danish or Bokmål but not which; the
    # business's Swedish is neither, the customer's earlier Danish is one
    assert settings.business.language == "sv"
    run(db, settings, msg("facebook", "111_781", "Hvor er min pakke?",
                          author=Author(id="81", name="Ole Dam"), thread_id="111_781"))
    assert {r["language"] for r in outbox(db)} <= {"da", "nb"} and outbox(db)
    run(db, settings,
        msg("facebook", "111_782", "Jeg har ventet i tre uger, og ingen svarer på mine mails.",
            author=Author(id="82", name="Bo Dam"), thread_id="111_782"),
        msg("facebook", "111_783", "Hvor er min pakke?", 5,
            author=Author(id="82", name="Bo Dam"), thread_id="111_783"))
    with db.connection() as conn:
        langs = conn.execute("SELECT language FROM messages WHERE external_id IN "
                             "('111_782', '111_783') ORDER BY external_id").fetchall()
    assert [r["language"] for r in langs] == ["da", "da"]


def test_cursor_moves_with_its_messages(db, settings):
    with db.connection() as conn:
        engine.process(conn, settings, [ANNA_FB], account="facebook", cursor={"since": "t1"})
        assert conn.execute(Q["get_cursor"], {"account": "facebook"}).fetchone()["position"] \
            == {"since": "t1"}



def test_the_private_ack_waits_for_a_private_route_and_is_sent_once(db, settings):
    # X first (no DMs: no private route), then her e-mail joins the open case
    run(db, settings, ANNA_X)
    assert [r["template"] for r in outbox(db)] == ["public_ack"]
    run(db, settings, ANNA_MAIL, ANNA_FB)
    acks = [r for r in outbox(db) if r["template"] == "private_ack"]
    assert len(acks) == 1 and acks[0]["channel"] == "email"
    [case] = cases.list_cases(db)
    report = rerun.rerun_case(db, settings, case["id"])
    assert "queued" not in report.counts  # nothing new: not the ack, not the public ones
    assert len([r for r in outbox(db) if r["template"] == "private_ack"]) == 1


def test_a_reopened_case_gets_a_new_private_ack(db, settings):
    case = closed_case_of_anna(db, settings)
    again = msg("email", "a4@mail.example", "Skorna jag fick var trasiga, vad gör jag nu?",
                60 * 24, author=Author(name="Anna Andersson", email="anna.andersson@example.se"))
    run(db, settings, again, now=T0 + timedelta(days=1, hours=1))
    keys = sorted(r["key"] for r in outbox(db) if r["template"] == "private_ack")
    assert keys == [f"private-ack:{case['id']}:1", f"private-ack:{case['id']}:2"]


def _keys(db, prefix: str) -> set[str]:
    with db.connection() as conn:
        return {r["key"] for r in conn.execute(
            "SELECT key FROM customer_keys WHERE key LIKE %s", (prefix + "%",))}


def test_a_customers_day_keys_move_with_their_last_message(db, settings):
    first = msg("facebook", "d1", "Mitt paket har inte kommit.", author=Author(
        id="77", name="Greta Lind"))
    again = msg("facebook", "d2", "Fortfarande inget paket.", 60 * 24, author=Author(
        id="77", name="Greta Lind"))
    run(db, settings, first)
    assert _keys(db, "f:greta@") == {"f:greta@2026-11-21"}
    run(db, settings, again, now=T0 + timedelta(days=1, hours=1))
    # counted where she was last seen only: "who of this first name wrote today" and the
    # surge counts must not count one person twice
    assert _keys(db, "f:greta@") == {"f:greta@2026-11-22"}
    assert _keys(db, "d:") == {"d:2026-11-22"}


def test_a_key_shared_by_a_crowd_is_counted_but_loads_nobody(db, settings):
    from carecase import batch
    from carecase.store.queries import Q

    crowd = [msg("facebook", f"c{i}", "Hej", i, author=Author(id=f"c{i}", name=f"Eva Nord{i}"))
             for i in range(batch.MAX_KEY_FANOUT + 1)]
    run(db, settings, *crowd, msg("facebook", "few", "Hej", author=Author(
        id="few", name="Ebba Strand")))
    with db.connection() as conn:
        rows = {r["key"]: r for r in conn.execute(Q["key_lookup"], {
            "keys": ["f:eva@2026-11-21", "n:ebba+strand", "n:nobody+here", "d:2026-11-21"],
            "limits": [batch.MAX_KEY_FANOUT, batch.MAX_KEY_FANOUT, batch.MAX_KEY_FANOUT, 0]})}
    assert rows["f:eva@2026-11-21"]["n"] == batch.MAX_KEY_FANOUT + 1
    assert rows["f:eva@2026-11-21"]["customers"] is None  # a crowd: counted, not loaded
    assert rows["n:ebba+strand"]["n"] == 1 and len(rows["n:ebba+strand"]["customers"]) == 1
    assert "n:nobody+here" not in rows  # nobody has it
    assert rows["d:2026-11-21"]["n"] == batch.MAX_KEY_FANOUT + 2
    assert rows["d:2026-11-21"]["customers"] is None  # a limit of 0: only counted


def test_keys_written_by_an_older_version_are_written_anew(db, settings):
    run(db, settings, msg("facebook", "o1", "Hej", author=Author(id="78", name="Olle Berg")))
    with db.connection() as conn:  # as an earlier carecase left them
        conn.execute("UPDATE customers SET profile = profile - 'keys'")
        conn.execute("INSERT INTO customer_keys (key, customer_id) "
                     "SELECT 'n:stale+key', id FROM customers")
    run(db, settings, msg("facebook", "o2", "Paketet kom aldrig.", 5,
                          author=Author(id="78", name="Olle Berg")))
    assert not _keys(db, "n:stale")
    assert "n:olof+berg" in _keys(db, "n:")  # Olle is Olof: keys by the current rules
    with db.connection() as conn:
        assert conn.execute("SELECT profile->>'keys' AS v FROM customers").fetchone()["v"]


def test_opening_an_older_database_writes_its_customers_keys_anew(db, settings):
    from carecase import identity

    run(db, settings, msg("google", "w1", "Paketet kom aldrig.", author=Author(
        name="A. Wallin")), *(msg("facebook", f"w{i}", "Hej", i, author=Author(
            id=f"w{i}", name=f"Nils Holm{i}")) for i in range(5)))
    with db.connection() as conn:  # as carecase left them before the ~twins and s: keys
        conn.execute("DELETE FROM customer_keys WHERE key LIKE '~%%' OR key LIKE 's:%%'")
        conn.execute("UPDATE customers SET profile = profile || '{\"keys\": 2}'")
        conn.execute("UPDATE key_index SET version = 2")
    anna = msg("facebook", "w9", "Var är mitt paket?", 60, author=Author(
        id="99", name="Anna Wallin"))
    with db.connection() as conn:  # not found: her full name looks up the ~twin
        state = batch.BatchState.load(conn, settings, [(1, anna)], T0)
        assert not state.directory.candidates(state.keys[1])

    assert engine.reindex_keys(db, batch_size=2) == 6  # three transactions of two
    assert engine.reindex_keys(db) == 0  # up to date: nothing to do
    with db.connection() as conn:
        assert conn.execute("SELECT version FROM key_index").fetchone()["version"] == \
            identity.KEYS_VERSION
        rows = _loaded(conn)
        # lookup keys an older profile_keys stored are gone, not taken as current
        assert not any("lookups" in r["profile"] for r in rows)
        profiles = {r["id"]: batch.profile_of(r) for r in rows}
        stored = {cid: set(_keys_of(conn, cid)) for cid in profiles}
        assert stored == {cid: set(identity.profile_keys(p)) for cid, p in profiles.items()}
        state = batch.BatchState.load(conn, settings, [(1, anna)], T0)
        assert [p.names for p in state.directory.candidates(state.keys[1])] == \
            [("A. Wallin",)]


def test_profiles_keep_their_texts_topics_and_older_ones_derive_them_once_loaded(db, settings):
    from carecase import clues, identity

    run(db, settings, ANNA_MAIL, ANNA_FB)
    with db.connection() as conn:
        [row] = _loaded(conn)
        stored = row["profile"]
        assert stored["topics"] == [sorted(clues.topics(t)) for t in stored["texts"]]
        assert stored["hints"] == [sorted(clues.channel_hints(t)) for t in stored["texts"]]
        assert stored["hints"][1] == ["email"]  # "Jag har mejlat er också"
        kept = batch.profile_of(row)
        # as an older carecase wrote them: derived from the texts when loaded
        conn.execute("UPDATE customers SET profile = profile - 'topics' - 'hints'")
        [older] = _loaded(conn)
        derived = batch.profile_of(older)
        assert derived.texts == kept.texts
        assert (derived.text_topics, derived.text_hints) == (kept.text_topics, kept.text_hints)
        assert identity.text_clues(derived) == (kept.text_topics, kept.text_hints)
    report = run(db, settings, ANNA_X)  # scored against the older profile, and rewritten
    assert report.counts["merged"] == 1
    with db.connection() as conn:
        profile = conn.execute("SELECT profile FROM customers").fetchone()["profile"]
        assert len(profile["topics"]) == len(profile["hints"]) == len(profile["texts"]) == 3


def test_a_batch_fetches_the_cases_of_the_customers_its_messages_went_to(db, settings):
    first = msg("facebook", "c1", "Min lampa kom trasig, glaset var krossat.",
                author=Author(id="71", name="Anna Andersson"))
    other = msg("facebook", "c2", "Paketet har inte kommit fram, order 654321.", 5,
                author=Author(id="72", name="Anna Andersson"))
    run(db, settings, first, other)  # two Annas: two customers, each with an open case
    assert len(cases.list_cases(db)) == 2
    again = msg("facebook", "c3", "Något nytt om lampan?", 90,
                author=Author(id="71", name="Anna Andersson"))
    with db.connection() as conn:
        state = batch.BatchState.load(conn, settings, [(1, again)], T0 + timedelta(hours=2))
        assert len(state.loaded) == 2  # both are candidates
        customer = state.customer(1, again, state.match(1, again))
        state.load_cases(conn)  # but only the one it went to brings her case
        assert [c.customer_id for c in state.cases.values()] == [customer]
        assert customer in state.open
        conn.rollback()
    report = run(db, settings, again, now=T0 + timedelta(hours=2))
    assert report.counts["cases_joined"] == 1 and report.counts["merged"] == 1


def test_a_batch_numbers_the_cases_it_opens_from_one_reservation_and_loses_none(
        db, settings):
    from carecase import classify

    # Agents read and type case numbers: a batch takes as many as it can open in one
    # query once its messages are matched, so none is skipped.
    people = ["Anna Lind", "Bo Ek", "Cecilia Holm", "David Nyström", "Eva Sjöberg",
              "Filip Åberg", "Greta Lund", "Hugo Dahl", "Ingrid Falk", "Johan Strand",
              "Karin Wik", "Lars Moberg"]
    complaints = [msg("facebook", f"p{i}", "Paketet har inte kommit fram, vad händer?", i,
                      author=Author(id=f"8{i:02}", name=name))
                  for i, name in enumerate(people)]
    praise = msg("google", "g1", "Tack, jättebra service och snabb leverans!", 20,
                 author=Author(name="Olle Persson"))
    report = run(db, settings, *complaints, praise)
    assert report.counts["cases_opened"] == 12
    with db.connection() as conn:
        ids = sorted(r["id"] for r in conn.execute("SELECT id FROM cases"))
        assert ids == list(range(ids[0], ids[0] + 12))
        assert conn.execute("SELECT last_value FROM cases_id_seq").fetchone()["last_value"] \
            == ids[-1]
        # Anna has an open case to join: two numbers for the two newcomers, fetched
        # before any case is opened, and no more fetched while they are
        second = [msg("facebook", "q1", "Fortfarande inget paket, vad händer?", 90,
                      author=Author(id="800", name="Anna Lind")),
                  msg("facebook", "q2", "Min order kom trasig, vad gör ni?", 91,
                      author=Author(id="901", name="Maja Fors")),
                  msg("facebook", "q3", "Fel storlek levererad, hur byter jag?", 92,
                      author=Author(id="902", name="Nils Grahn"))]
        state = batch.BatchState.load(conn, settings, list(enumerate(second, 1)),
                                      T0 + timedelta(hours=2))
        customers = [state.customer(i, m, state.match(i, m)) for i, m in enumerate(second, 1)]
        state.load_cases(conn)
        state.reserve_case_ids(customers)
        last = "SELECT last_value FROM cases_id_seq"
        assert conn.execute(last).fetchone()["last_value"] == ids[-1] + 2
        opened = []
        for i, (m, customer) in enumerate(zip(second, customers, strict=True), 1):
            cls = classify.classify(m, state.rules)
            case, how = state.case_for(customer, m, cls, state.match(i, m))
            opened.append((how, case.id))
        assert opened == [("joined", ids[0]), ("opened", ids[-1] + 1),
                          ("opened", ids[-1] + 2)]
        assert conn.execute(last).fetchone()["last_value"] == ids[-1] + 2
        conn.rollback()


def test_a_loaded_customer_is_indexed_by_the_lookup_keys_stored_while_they_hold(db, settings):
    from carecase import identity

    lars = msg("facebook", "h1", "Order 123456 kom aldrig fram, vad händer?", 30,
               author=Author(id="55", name="Lars Berg"))
    run(db, settings, ANNA_MAIL, lars)  # a household: Lars names Anna's order
    with db.connection() as conn:
        rows = {r["name"]: r for r in _loaded(conn)}
        anna, berg = rows["Anna Andersson"], rows["Lars Berg"]
        assert batch.stored_lookups(anna, batch.profile_of(anna)) == \
            identity.profile_lookups(batch.profile_of(anna))
        # Lars's profile keeps the order number, but the order stays Anna's: his stored
        # keys are not what his loaded profile derives, so they are derived again
        assert "order_ref:123456" in berg["profile"]["lookups"]
        assert ("order_ref", "123456") not in batch.profile_of(berg).identities
        assert batch.stored_lookups(berg, batch.profile_of(berg)) is None
        order_only = msg("google", "g1", "Order 123456?", 90, author=Author(name="Kim Zz"))
        state = batch.BatchState.load(conn, settings, [(1, order_only)], T0)
        assert {p.customer_id for p in state.directory.candidates(["order_ref:123456"])} \
            == {anna["id"]}
        # what is stored is what indexes a customer (a key only the stored list has)
        conn.execute("UPDATE customers SET profile = jsonb_set(profile, '{lookups}', "
                     "profile -> 'lookups' || '[\"n:kim+zz\"]') WHERE id = %s", (anna["id"],))
        state = batch.BatchState.load(conn, settings, [(1, order_only)], T0)
        assert [p.customer_id for p in state.directory.candidates(["n:kim+zz"])] == \
            [anna["id"]]
        conn.rollback()


def _loaded(conn) -> list[dict]:
    """Every customer's row as a batch loads it."""
    return conn.execute(Q["load_customers"], {"ids": [
        r["id"] for r in conn.execute("SELECT id FROM customers")]}).fetchall()


def _keys_of(conn, customer: int) -> list[str]:
    return [r["key"] for r in conn.execute(
        "SELECT key FROM customer_keys WHERE customer_id = %s", (customer,))]


def test_split_waits_for_the_engine_batch_in_progress(db, settings):
    import threading

    run(db, settings, ANNA_MAIL, ANNA_FB)
    [case] = cases.list_cases(db)
    done = threading.Event()
    with db.connection() as batch, batch.transaction():
        # a batch holds the engine lock from loading its customers to writing them back
        batch.execute("SELECT pg_advisory_xact_lock(%s)", (engine.ENGINE_LOCK,))
        worker = threading.Thread(
            target=lambda: (cases.split(db, case["id"], "facebook:111_222"), done.set()))
        worker.start()
        assert not done.wait(1.0)  # the split waits: it would be overwritten otherwise
    worker.join(10)
    assert done.is_set() and len(cases.list_cases(db)) == 2


@pytest.mark.parametrize(("channel", "email", "how"), [
    ("email", "anna@example.se", "just reply to this e-mail"),
    ("facebook", "anna@example.se", "just reply to this e-mail"),  # we know her address
    ("x", None, "just reply to this message"),  # a direct message: a conversation
    # Messenger allows one private reply to a comment, and its answers never reach us
    ("facebook", None, "the only message we can send you here, so please e-mail us at "
                       "care@nordicshoes.example"),
])
def test_a_private_acknowledgment_says_how_to_answer_it_where_it_is_sent(
        settings, channel, email, how):
    from carecase import policy
    from carecase.model import Case, Classification

    chans, care = settings.channels, settings.care
    settings = settings.model_copy(update={
        "channels": chans.model_copy(update={"x": chans.x.model_copy(
            update={"read_dms": True})}),
        "care": care.model_copy(update={"weekdays_only": True})})
    situation = policy.Situation(
        message=msg(channel, "m-1", "My parcel is broken and nobody answers. Help!",
                    author=Author(id="77", name="Anna Andersson", handle="anna_a")),
        message_id=1, customer_id=5,
        classification=Classification(language="en", kind="complaint"),
        case=Case(id=9, customer_id=5, language="en", opened_at=T0),
        private_ack_key="private-ack:9:1", private_acked_by=None,
        customer_name="Anna Andersson", customer_email=email, now=T0)
    [ack] = [o for o in policy.decide(situation, settings).outgoing
             if o.template == "private_ack"]
    text = " ".join(ack.body.split())
    assert how in text
    assert ("reply to this" in text) == ("reply" in how)
    assert "every weekday at 17:00" in text  # P7's weekdays-only option, as configured


@pytest.mark.parametrize(("channel", "email", "subject"), [
    ("facebook", "anna@example.se", None),  # a public reply and an e-mail
    ("x", None, None),  # a reply fitted to X, and a direct message
    ("email", "anna@example.se", "Var är mitt paket?"),  # "Re:" the customer's subject
    ("facebook", None, None),  # a Messenger private reply
])
def test_the_engine_renders_the_wording_late_and_the_same(settings, channel, email, subject):
    """The engine leaves each reply's wording to render while the database writes the
    batch's other tables (``defer=True``); what it then renders is what deciding with
    the wording at once gives, and nothing is rendered before it is asked for."""
    from carecase import policy
    from carecase.model import Case, Classification

    chans = settings.channels
    settings = settings.model_copy(update={"channels": chans.model_copy(
        update={"x": chans.x.model_copy(update={"read_dms": True})})})
    message = msg(channel, "m-1", "Mitt paket är trasigt och ingen svarar. Hjälp!",
                  author=Author(id="77", name="Anna Andersson", handle="anna_a"),
                  subject=subject)
    situation = policy.Situation(
        message=message, message_id=1, customer_id=5,
        classification=Classification(language="sv", kind="complaint"),
        case=Case(id=9, customer_id=5, language="sv", opened_at=T0),
        private_ack_key="private-ack:9:1", private_acked_by=None,
        customer_name="Anna Andersson", customer_email=email, now=T0)
    at_once = policy.decide(situation, settings).outgoing
    later = policy.decide(situation, settings, defer=True).outgoing
    assert at_once and all(o.wording is None and o.body for o in at_once)
    assert all(o.wording is not None and not o.body for o in later)
    assert [policy.finish(o) for o in later] == at_once
    if channel == "x":
        assert at_once[0].body.startswith("@anna_a ")
    if subject:
        assert [o.subject for o in at_once if o.channel == "email"] == [f"Re: {subject}"]
