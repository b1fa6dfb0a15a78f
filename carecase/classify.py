"""What a message is: its language (P15), kind and sentiment, moderation reasons (P1,
P2) and whether a machine wrote it (P16).

Pure functions over ``carecase.model`` objects. The only state is the lingua language
detector, built once on first use (it takes ~0.4 s) and shared between threads.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from email.utils import parseaddr
from functools import cache, lru_cache
from typing import Any

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from carecase.model import NO_REPLY, Classification, Message
from carecase.moderation import (
    MARKED,
    load_words,
    moderation_reasons,
    sends_elsewhere,
    word_pattern,
)

__all__ = [
    "Rules", "brand_key", "classify", "content", "detect_language", "detect_languages",
    "has_reservations", "impersonates", "kind_of", "machine_reason", "moderation_reasons",
    "sentiment_of", "unreadable", "warm_up", "with_language",
]  # fmt: skip


@dataclass(frozen=True)
class Rules:
    """The business's settings that classification depends on."""

    default_language: str = "sv"  # business default (P15)
    own_ids: frozenset[str] = frozenset()  # our page id / X user id / handles
    own_emails: frozenset[str] = frozenset()  # our own addresses, lower-case
    own_domains: frozenset[str] = frozenset()  # our web and mail domains: no spam links
    brand: str = ""  # our name, letters and digits only, case-folded ("nordicshoes")
    account_patterns: tuple[str, ...] = ()  # regexes for customer/account numbers (P2)


# --- language (P15) -----------------------------------------------------------------
# German is loaded so that German text is recognised as "not ours" instead of being
# forced into the nearest Scandinavian language: it is named ("de"), replies to it fall
# back to a language we write (P15), and its case is flagged for an agent. Other
# languages are told by their everyday words (``_foreign``), which costs no memory.
_LINGUA = {
    Language.DANISH: "da", Language.SWEDISH: "sv", Language.BOKMAL: "nb",
    Language.NYNORSK: "nb", Language.ENGLISH: "en", Language.GERMAN: "de",
}  # fmt: skip
SUPPORTED = ("da", "sv", "nb", "en")  # the languages we read and write
_detector: LanguageDetector | None = None
_detector_lock = threading.Lock()
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[@#]\w+|[\d_]+")
_WORD = re.compile(r"[^\W\d_]+")


def _get_detector() -> LanguageDetector:
    """The detector, with every model loaded at once: lingua then loads them in parallel
    threads (0.8 s instead of 1.4 s one after another on a 2-core machine), and the
    models a lazy detector would load one by one are all needed soon anyway."""
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                _detector = (LanguageDetectorBuilder.from_languages(*_LINGUA)
                             .with_preloaded_language_models().build())
    return _detector


def warm_up() -> None:
    """Load the language models now (they load on first use, taking about a second)."""
    detect_language("Load the models before the first customer message needs them.", None)


def detect_language(text: str, fallback: str | None) -> str | None:
    """The language code of ``text`` ('da', 'sv', 'nb' or 'en'; for one we can tell but
    not read, German from lingua and 'fi', 'fr', 'nl', 'es', 'it', 'pl' or 'pt' from
    its everyday words: ``_foreign``), or ``fallback``.

    Text in another language, or that lingua is unsure about, gives ``fallback``; so
    does short text (under 3 words or 15 letters) unless lingua is sure of it ("Inte
    nöjd", "Ikke fornøyd", "Nobody answers"; not "Tak!" or "Fel storlek", which it is
    often wrong about). Text lingua is sure is one of two of ours, but not which ("Hvor
    er min pakke?": Danish or Bokmål), gives ``fallback`` if it is one of the two, else
    the likelier.
    """
    return detect_languages([text], fallback)[0]


def detect_languages(texts: Sequence[str], fallback: str | None) -> list[str | None]:
    """``detect_language`` for many texts at once."""
    return [choose_language(r, fallback) for r in read_languages(texts)]


def choose_language(reading: tuple[str, ...], fallback: str | None) -> str | None:
    """The language of a text ``read_languages`` read so, given the author's earlier or
    the business's language: a language it is sure of, or the fallback if the text does
    not tell or the fallback is one of the two it may be, else the likelier of those."""
    if len(reading) == 1 or (reading and fallback not in reading):
        return reading[0]
    return fallback


# Danish "I" (you): a capital I inside a sentence, or before a verb at its start ("Hvorfor
# svarer I ikke?", "I har ikke svaret"). Bokmål and Swedish "i" is "in", and Norwegians
# say "dere"; an English text never reaches the Danish-or-Bokmål split this counts in.
_DANISH_YOU = re.compile(
    r"(?<=[^\W\d_] )I\b|(?:^|[.!?]\s+)I (?:har|er|kan|skal|vil|må|bør|fik|får|sender|"
    r"sendte|svarer|lovede|sagde|skrev)\b")


def read_languages(texts: Sequence[str]) -> list[tuple[str, ...]]:
    """What each text tells of its language: ``(code,)`` where it is sure, ``()`` where
    it does not tell, and two of ours, the likelier first, where lingua is sure it is
    one of the two but not which. lingua scores the texts in parallel threads (its own,
    outside Python), which is what a batch of an import wants."""
    found: list[tuple[str, ...]] = [()] * len(texts)
    todo: list[tuple[int, str, bool, dict[str, int]]] = []
    for i, text in enumerate(texts):
        # The first thousand characters are plenty to tell, and keep long e-mails cheap.
        clean = _NOISE.sub(" ", text[:1000])
        words = _WORD.findall(clean)
        letters = sum(map(len, words))
        if letters < _SHORTEST:
            continue
        hits = _word_hits(words)
        # not English "Can I pick up an order at the store?"
        if _DANISH_YOU.search(clean) and (hits["en"] < 2 or hits["en"] < hits["da"]):
            hits["da"] += 1
        if foreign := _foreign(hits):
            found[i] = (foreign,)
        else:
            todo.append((i, clean, len(words) < 3 or letters < 15, hits))
    if not todo:
        return found
    detector = _get_detector()
    if len(todo) == 1:
        values = [detector.compute_language_confidence_values(todo[0][1])]
    else:
        values = detector.compute_language_confidence_values_in_parallel(
            [clean for _, clean, _, _ in todo])
    for (i, _, short, hits), confidences in zip(todo, values, strict=True):
        found[i] = _pick(confidences, hits, _SURE_SHORT if short else _SURE)
    return found


@cache
def _everyday_words() -> dict[str, tuple[str, ...]]:
    """The languages (codes) each everyday word of ``data/languages.txt`` belongs to."""
    codes: dict[str, list[str]] = {}
    for line in load_words("languages"):
        code, _, words = line.partition(":")
        for word in words.split():
            codes.setdefault(word, []).append(code.strip())
    return {word: tuple(dict.fromkeys(cs)) for word, cs in codes.items()}


def _word_hits(words: Sequence[str]) -> dict[str, int]:
    """How many of each language's everyday words ``words`` hold (ours always named)."""
    index, hits = _everyday_words(), dict.fromkeys(SUPPORTED, 0)
    for word in set(map(str.casefold, words)):
        for code in index.get(word, ()):
            hits[code] = hits.get(code, 0) + 1
    return hits


def _foreign(hits: dict[str, int]) -> str | None:
    """The code of a language we do not read that a text is in, by its ``_word_hits``: at
    least two of its everyday words, and more of them than of any of ours. lingua knows
    only ours (and German), and takes "Kiitos nopeasta toimituksesta" for Swedish."""
    if len(hits) == len(SUPPORTED):
        return None
    # in the file's order, so that a tie is broken the same way in every process
    code = max((c for c in hits if c not in SUPPORTED), key=hits.__getitem__)
    return code if hits[code] >= 2 and hits[code] > max(hits[c] for c in SUPPORTED) \
        else None


# How sure lingua must be (its confidences summed per language): of a text, and of a
# short one. Of 80 short complaints, thanks and requests (20 in each language), 0.8
# took 22 and got none wrong, 0.6 took 36 (none wrong); 0.4 took 72, 11 of them wrong
# (Danish read as Bokmål mostly). Short text lingua leaves falls back to the author's
# earlier language, then the business's.
_SURE, _SURE_SHORT = 0.4, 0.8
_SHORTEST = 4  # letters: "meh", "OK!" and "?!" tell nothing
_CLOSE = 0.4  # confidences this close are a split lingua's words cannot settle
_PLAINLY = 3  # everyday words of one of ours, over twice those of any other, tell it
_SIBLING = {"da": "nb", "nb": "da"}  # told apart by their words (data/languages.txt)


def _pick(confidences: Sequence[Any], hits: dict[str, int], sure: float
          ) -> tuple[str, ...]:
    scores: dict[str, float] = {}
    for cv in confidences:
        code = _LINGUA[cv.language]
        scores[code] = scores.get(code, 0.0) + cv.value
    best, second = sorted(scores, key=scores.__getitem__, reverse=True)[:2]
    # words that are plainly one of ours overrule lingua taken in by a name: "Is there a
    # store in Copenhagen?" (Danish 0.47, English 0.13; three English words, none Danish)
    worded = max(SUPPORTED, key=hits.__getitem__)
    if worded != best and hits[worded] >= _PLAINLY and scores.get(worded, 0.0) > 0 and \
            hits[worded] > 2 * max(hits[c] for c in SUPPORTED if c != worded):
        return (worded,)
    # short text lingua half believes is one of ours, whose everyday words say so too
    # and no other of ours as much ("The box was empty": English 0.77, "Where is my
    # order??" 0.45, "Noget nyt?": Danish 0.71), is read, though lingua is not sure
    agreed = best in SUPPORTED and scores[best] >= _SURE and hits[best] > max(
        hits[c] for c in SUPPORTED if c != best)
    # lingua's confidence split between two of ours (Danish and Bokmål most often): the
    # one with more of its everyday words, if lingua is sure it is one of the two; with
    # as many of each, both, for the author's earlier language or the business's to
    # choose from (with_language)
    if {best, second} <= set(SUPPORTED) and scores[best] - scores[second] < _CLOSE:
        if scores[best] + scores[second] < sure:
            return (best,) if agreed else ()
        # Bokmål against Swedish, with more Danish words than either ("Kan jeg dele
        # betalingen op med Klarna", "Har I de sorte boots"): Danish, as below
        worded = best if hits[best] >= hits[second] else second
        sibling = _SIBLING.get(worded)
        if sibling and sibling not in (best, second) \
                and hits[sibling] > max(hits[best], hits[second]):
            return (sibling,)
        # or a third of ours, with two more of its words than either, lingua not far off:
        # "Hej, kan jeg betale med Klarna hos jer eller kun med kort?" (Swedish 0.35,
        # Bokmål 0.35, Danish 0.28; six Danish words, four of each other)
        third = max((c for c in SUPPORTED if c not in (best, second)), key=hits.__getitem__)
        if hits[third] > max(hits[best], hits[second]) + 1 \
                and scores.get(third, 0.0) >= scores[second] / 2:
            return (third,)
        if hits[best] == hits[second]:
            return (best,) if scores[best] >= sure else (best, second)
        return (worded,)
    if scores[best] < sure:
        return (best,) if agreed else ()
    # and when it is sure of Danish, its words may still be Bokmål ("kan dere sende dem?",
    # "i esken": 0.75 Danish), or the other way round: the one with more words wins
    sibling = _SIBLING.get(best)
    if sibling and hits[sibling] > hits[best]:
        return (sibling,)
    return (best,)


# --- kind and sentiment ---------------------------------------------------------------
# where a sentence starts: after a greeting, and in a post after the handles it
# addresses ("@nordicshoes @postnord when does the sale start")
_SENTENCE_START = re.compile(r"(?:^|[.!?\n]\s*)(?:@\w+[\s,:]*)*(?:hi|hello|hej|hei)?[\s,]*",
                             re.IGNORECASE)


# Negations: before a settled, remedied or praise marker they undo it ("I still haven't
# got my money back", "ikke god kvalitet", "never buy again"; not "not only great
# shoes", nor "can't recommend them enough"); after a remedied one, they end its
# clause, with "but" and the like ("thanks for the refund that never came", "thanks
# for the refund, but the zip is still broken").
_NEGATION = r"(?:not|never|cannot|\w+n[’']t|inte|ej|aldrig|ikke|ikkje|aldri)"
_CLAUSE_ENDS = (
    rf"(?:{_NEGATION}|but|however|although|though|except|still|yet|no|nothing|"
    r"men|dock|fast|utom|ännu|fortfarande|ingen|inget|ingenting|intet|"
    r"bortset|undtagen|endnu|stadig|bortsett|unntatt|ennå|fortsatt|enda)"
)
# A negation's reach ends at a comma or a stop: in "Aldrig forsinket, altid hurtig
# levering" the "aldrig" denies the delay, not the quick delivery after it ("Not...
# great" keeps it: an ellipsis is a pause)
_GAP_IN_CLAUSE = r"(?:[^\w'’,.;:!?]|\.{2,})+"
_NEGATED = re.compile(rf"(?:^|[^\w'’]){_NEGATION}{_GAP_IN_CLAUSE}"
                      rf"(?:(?!(?:only|just|bara|bare|kun|blot)\b)[\w'’]+{_GAP_IN_CLAUSE})?$")
_ENOUGH = re.compile(r"\W+(?:\w+\W+){0,3}?(?:enough|nog|nok)\b")


def _negated(text: str, start: int, end: int) -> bool:
    """Whether a negation comes just before ``text[start:end]`` (and no "enough" after)."""
    return bool(_NEGATED.search(text[max(0, start - 40):start])) \
        and not _ENOUGH.match(text, end)


def _plain(folded: str) -> bool:
    """Whether case-folded text is written without å, ä, ö, æ and ø ("Jag har inte fatt
    nagot svar", "Varen var odelagt"): the word lists are then read as it would write
    them (``word_pattern(plain=True)``). English is such text too, and its words stay
    what they are in either form."""
    return MARKED.isdisjoint(folded)


@cache
def _settled_pattern(plain: bool = False) -> re.Pattern[str]:
    """A settled marker, or a remedied one with the rest of its clause (up to eight
    words): what was put right is named after the thanks ("thanks for sorting out the
    wrong size")."""
    clause = rf"(?:\s+(?!{_CLAUSE_ENDS}(?![\w'’]))[\w'’-]+){{0,8}}"
    return re.compile(f"{word_pattern('remedied', plain=plain).pattern}{clause}"
                      f"|{word_pattern('settled', plain=plain).pattern}")


def _cut(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with each span replaced by a space."""
    for start, end in reversed(spans):
        text = f"{text[:start]} {text[end:]}"
    return text


def _cut_settled(folded: str, plain: bool) -> tuple[str, bool]:
    """``folded`` without its settled and remedied markers (the latter with their
    clauses), and whether it had one."""
    spans = [m.span() for m in _settled_pattern(plain).finditer(folded)
             if not _negated(folded, m.start(), m.end())]
    return _cut(folded, spans), bool(spans)


# A worry the rest of the sentence proved wrong ("I thought they'd be a bit big, but
# they fit perfectly", "Jeg var redd de var for små, men de passer fint") is no
# complaint; without praise after the "but" it stays one ("Jag trodde att paketet
# skulle komma i tid men det har inte kommit").
_FEARED = re.compile(
    r"\b(?:i thought|i was (?:worried|afraid|scared)|i feared|trodde|troede|tänkte|"
    r"tænkte|tenkte|frygtede|fryktet|var (?:rädd|orolig|bange|nervøs|redd|bekymret))\b"
    r"[^.!?\n]*?[\s,](?:but|men)(?![\w'’])([^.!?\n]*)")


def _fears_proved_wrong(folded: str, plain: bool) -> list[tuple[int, int]]:
    """The spans of worries ``folded`` goes on to say were unfounded (see _FEARED)."""
    complaint = word_pattern("complaint", plain=plain)
    praise = word_pattern("praise", plain=plain)
    return [(m.start(), m.start(1)) for m in _FEARED.finditer(folded)
            if (praise.search(m.group(1)) or _settled_pattern(plain).search(m.group(1)))
            and not complaint.search(m.group(1))]


# A problem told of, then put right ("The parcel was late at first, but customer service
# fixed it in a day", "Paketet var försenat men kundtjänst löste det snabbt", "Wrong size.
# But you sent me a new pair right away"): the clause after "but", "then" or "luckily"
# names the remedy (data/put_right.txt or remedied.txt), complains of nothing, denies
# nothing, tells no hearsay and no one else's remedy ("but my husband fixed it"). What
# went wrong before it, in its sentence or, when the "but" starts a sentence, the one
# before, is then no complaint. "The parcel was late but nobody fixed it", "...but they
# said they fixed it", "...but you fixed it and now the zip is broken" still complain.
_THEN_PUT_RIGHT = re.compile(
    r"(?<![\w'’])(?:but|then|and then|luckily|fortunately|thankfully|men|sen|och sen|"
    r"og så|heldigvis|lyckligtvis|som tur var|lykkeligvis|derefter|deretter)"
    r"(?![\w'’])([^.!?\n]*)")
_BUT = ("but", "then", "men", "sen", "luck", "fortunately", "thankfully", "heldigvis",
        "lyckligtvis", "som tur", "lykkeligvis", "deref", "deret", "og så")
_NOT_PUT_RIGHT = re.compile(
    rf"(?<![\w'’])(?:{_NEGATION}|nobody|no one|noone|nothing|ingen|ingenting|inget|intet|"
    r"said|says|claim\w*|supposedly|apparently|hope\w*|wish|if|unless|sagde|siger|sa|"
    r"sade|sier|säger|påstod|påstår|påstås|hævder|hevdet|håber|hoppas|håper|"
    r"hvis|ifall|om|dersom|angiveligt|visstnok|tydligen|tilsyneladende|"
    # put right by someone else: "but luckily my husband fixed it", "...another shop"
    r"myself|my (?:husband|wife|partner|dad|father|mum|mom|son|daughter|brother|friend)|"
    r"another (?:shop|store)|elsewhere|someone else|a cobbler|selv|själv|sjølv|"
    r"min (?:mand|man|kone|fru|mann|sambo|kæreste|far|pappa|bror|søn|son)|"
    r"en (?:anden|annan|annen) butik\w*|(?:et )?andet sted|annanstans|et annet sted|"
    r"skomager\w*|skomakar\w*|skomaker\w*)(?![\w'’])")
_SENTENCE = re.compile(r"[^.!?\n]*[.!?\n]*")


def _put_right(folded: str, plain: bool) -> tuple[list[tuple[int, int]], bool]:
    """The spans of problems ``folded`` goes on to say were put right (see
    _THEN_PUT_RIGHT), and whether it tells of a remedy so ("I had a problem with my
    order but it was fixed right away")."""
    if not any(word in folded for word in _BUT):
        return [], False  # most messages have no "but": skip the pattern
    remedy = word_pattern("put_right", "remedied", plain=plain)
    complaint = word_pattern("complaint", plain=plain)
    starts: list[int] | None = None  # where sentences start, read only when needed
    spans, told = [], False
    for m in _THEN_PUT_RIGHT.finditer(folded):
        clause = m.group(1)
        remedies = [r.span() for r in remedy.finditer(clause)]
        # "fik pengene tilbage" is a remedy, though "pengene tilbage" alone asks for one
        if not remedies or complaint.search(_cut(clause, remedies)) \
                or _NOT_PUT_RIGHT.search(clause):
            continue
        told = True
        if starts is None:
            starts = [s.start() for s in _SENTENCE.finditer(folded) if s.group()]
        i = bisect_right(starts, m.start()) - 1
        start = starts[i] if i >= 0 else 0
        if not folded[start:m.start()].strip(" ,;:-") and i > 0:
            start = starts[i - 1]  # "Late again. But you sorted it out in an hour"
        if complaint.search(folded, start, m.start()):
            spans.append((start, m.start()))
    return spans, told


# Others compared with us, or an earlier time with now ("Delivery was so quick, unlike
# other shops where it takes weeks", "Much better than last time when it was late",
# "Leveransen gick snabbt, till skillnad från andra butiker där det tar evigheter"): the
# clause that tells of the others ("where", "där", "hvor"...) is no complaint about us
# when the rest of the message praises. Only that clause: "Unlike other shops, you never
# answer" and "Slower than last time" still complain.
_COMPARED = (
    r"(?:unlike|compared (?:to|with)|than|in contrast to|jämfört med|till skillnad från|"
    r"i motsats till|i modsætning til|i motsetning til|sammenlignet med|sammenliknet med)"
    r"\s+(?:(?:other|most|many|some|the other|andra|de flesta|många|andre|de fleste|mange|"
    r"flere|flera)\s+[\w'’]+|last time|the last time|before|usual|förra gången|senast|"
    r"sist|sidst|sidste gang|forrige gang|tidligere|tidigare)"
    r"|(?:än|end|enn)\s+(?:(?:andra|de flesta|många|andre|de fleste|mange|flere|flera)"
    r"\s+[\w'’]+|förra gången|senast|sist|sidst|sidste gang|forrige gang|tidligere|"
    r"tidigare|förut|før|vanligt|vanlig|normalt)"
)
_COMPARISON = re.compile(
    rf"(?<![\w'’])(?:{_COMPARED}),?\s+((?:where|that|which|who|when|there|they|där|som|"
    r"då|när|de|hvor|der|da|når|hvis|dom)(?![\w'’])[^.!?\n,;]*)")


def _others_compared(folded: str, plain: bool) -> list[tuple[int, int]]:
    """The spans of what is told of other shops or an earlier time (see _COMPARISON),
    when the message praises outside them."""
    spans = [m.span(1) for m in _COMPARISON.finditer(folded)]
    if spans and word_pattern("praise", plain=plain).search(_cut(folded, spans)):
        return spans
    return []


# Praise taken back by a "not" at the end ("Fantastic service... NOT!", "Snabb leverans.
# INTE", "Bra jobbat... inte"): shouted, or after a pause, and only as the last word of
# a line ("I love them, why not" takes nothing back)
_TAKEN_BACK = re.compile(r"(?:(?<![\w'’])(?:NOT|INTE|IKKE)|(?:\.{2,}|…)\s*(?i:not|inte|ikke))"
                         r"[\s!.]*$", re.MULTILINE)


# One size ordered and another received ("I ordered size 42 and got 44", "Jeg bestilte
# str. 38 og fik 39", "Beställde 38, fick 40", "Ordered size 7.5, got an 8"): a complaint
# with no complaint word in it. A size is named so or has two digits: "I bought 2 and
# got 1 free" tells of no size.
_SIZE = (r"(?:(?:a|an|the|en|et|ett)\s+)?(?:(?:size|str|strl|stl|storlek|størrelse|"
         r"størrelsen|storleken)\.?\s*\d{1,2}|\d{2})(?:[.,]5)?(?!\d|%|[.,]\d)")
_WORDS_BEFORE = r"(?:[^\W\d_]+\s+){0,4}?"  # "the black Derby in 42", "brune i str 45"
_SIZES_MIXED = re.compile(
    rf"(?<![\w'’])(?:ordered|bought|bestilte|bestilt|bestillede|beställde|beställt|købte|"
    rf"köpte|kjøpte)\s+{_WORDS_BEFORE}({_SIZE})\s*(?:\([^()\n]{{0,30}}\))?"
    rf"[^.!?\n\d]{{0,30}}?(?<![\w'’])(?:got|received|fik|fick|fikk|fået|fått|modtog|mottok|"
    rf"fekk)\s+{_WORDS_BEFORE}({_SIZE})")
_NUMBER = re.compile(r"\d+(?:[.,]5)?")
_BOUGHT = ("ordered", "bought", "bestil", "beställ", "købte", "köpte", "kjøpte")


def _sizes_mixed(folded: str) -> bool:
    def size(said: str) -> str:
        return _NUMBER.search(said).group().replace(",", ".")  # type: ignore[union-attr]

    # the pattern is tried only where a verb of buying stands: most messages have none
    for verb in _BOUGHT:
        at = folded.find(verb)
        while at >= 0:
            m = _SIZES_MIXED.match(folded, at)
            if m and size(m.group(1)) != size(m.group(2)):
                return True
            at = folded.find(verb, at + 1)
    return False


_QUOTES = re.compile(r'["“”„«»]')


@lru_cache(maxsize=16)  # kind_of and sentiment_of ask about the same text in turn
def _markers(text: str) -> tuple[bool, bool, str, tuple[tuple[int, int], ...]]:
    """(complaint, praise) markers present, the folded text without its complaints,
    and the spans of its praise in that text.
    Settled and remedied markers ("no complaints", "thanks for the quick refund") are
    praise, cut out before complaints are looked for; complaint phrases are cut out
    before praise is, so "not happy" or "ikke tilfreds" never reads as praise; and
    praise a negation comes just before, or a shouted "NOT" takes back, is a complaint;
    a complaint word a negation comes just before is settled if its negation is good news
    (data/negatable.txt: "The parcel was not late at all", "Kartongen var inte skadad").
    Thanks in advance, a worry proved wrong and others compared with us are cut out
    first: they are neither; a problem the message goes on to say was put right is cut
    out too, and its remedy is praise (_put_right). One size ordered and another
    received complains with no complaint word (_sizes_mixed)."""
    # a phrase quoted from us reads as said ("it says "delivered"", "har visat "under
    # transport" i 9 dagar")
    folded = _QUOTES.sub(" ", text.casefold())
    plain = _plain(folded)
    # thanks in advance praise nothing
    folded = _cut(folded, [m.span() for m in
                           word_pattern("courtesy", plain=plain).finditer(folded)])
    folded = _cut(folded, _fears_proved_wrong(folded, plain))
    put_right, remedy_told = _put_right(folded, plain)
    folded = _cut(folded, put_right)
    folded, praise = _cut_settled(_cut(folded, _others_compared(folded, plain)), plain)
    praise = praise or remedy_told
    spans, denied = [], []  # complaints, and complaint words a negation denies
    negatable = word_pattern("negatable", plain=plain)
    for m in word_pattern("complaint", plain=plain).finditer(folded):
        if negatable.fullmatch(m.group()) and _negated(folded, m.start(), m.end()):
            denied.append(m.span())  # "not late at all", "inte skadad": fine
        else:
            spans.append(m.span())
    complaint, rest = bool(spans) or _sizes_mixed(folded), _cut(folded, spans + denied)
    praise = praise or bool(denied)
    praised = []
    for m in word_pattern("praise", plain=plain).finditer(rest):
        if _negated(rest, m.start(), m.end()):
            complaint = True  # praise denied: "ikke god kvalitet", "never buy again"
        else:
            praise = True
            praised.append(m.span())
    if praise and _TAKEN_BACK.search(text):
        complaint = True
    return complaint, praise, rest, tuple(praised)


# After a request a negation denies, what is wanted in its place: "rather", "instead",
# "prefer", "e-mail is better"
_INSTEAD = re.compile(
    r"\b(?:instead|rather|prefer\w*|i stedet|istedet|i stället|istället|hellere|hellre|"
    r"foretrækker|foretrekker|föredrar|helst)\b"
    r"|\b(?:e-?mail|mail|mejl|sms|text|chat)\w*\s+(?:is|works|er|är|fungerer|fungerar)"
    r"\s+(?:better|best|bedre|bedst|bättre|bäst)\b")


def _requested(rest: str, praised: Sequence[tuple[int, int]], plain: bool) -> bool:
    """Whether ``rest`` (see _markers) asks for care outside what is praised: not a
    request inside praise ("Nem at returnere" asks for nothing), nor one that runs into
    it, but one that holds praise ("I would be grateful for a quick reply", "Jeg ville
    være glad for et svar"); in a message that praises, not one a negation denies
    ("Elsker skoene, vil ikke bytte dem for noget"), unless its sentence says what it
    wants instead ("Love them, but please don't call me, email is better")."""
    for m in word_pattern("request", plain=plain).finditer(rest):
        start, end = m.span()
        if praised and _negated(rest, start, end) \
                and not _INSTEAD.search(_CLAUSE.match(rest, end).group()):
            continue  # "Elsker dem, vil ikke bytte dem for noget"; "Don't call me" asks
        if all(end <= s or e <= start or (start <= s and e <= end) for s, e in praised):
            return True
    return False


# A Scandinavian yes/no question puts its verb first, before "you", "they" or "it":
# "Skickar ni till Åland", "Sender I til Grønland", "Tar dere Vipps", "Är de
# vattentäta", "Passer de brede føtter", "Hinner den fram till jul". Danish "I" (you)
# only capitalised: "i" is "in". Before "they" or "it", a word ending in r is often no
# verb, or starts a statement ("Efter de kom...", "Tror den blir bra"): those are not.
_VERB_FIRST = re.compile(
    r"(?i:[^\W\d_]+r)\s+(?:[Nn]i|[Dd]u|[Dd]ere|I|[Mm]an)\b"
    r"|(?!(?i:efter|etter|eller|över|over|under|för|for|der|her|hver|hvor|var|när|når|"
    r"hur|tror|tycker|tänker|tænker|tenker)\b)(?i:[^\W\d_]+r)\s+(?:[Dd]e|[Dd]om|[Dd]en)\b")


def _is_question(text: str) -> bool:
    if "?" in text or (_ASKING.search(text) and _asks(text)):
        return True
    folded = text.casefold()
    opener = word_pattern("question", plain=_plain(folded))
    if any(opener.match(folded, m.end()) for m in _SENTENCE_START.finditer(folded)):
        return True
    # the same positions: casefold() keeps the length of Scandinavian text
    return len(folded) == len(text) and any(
        _VERB_FIRST.match(text, m.end()) for m in _SENTENCE_START.finditer(folded))


_ASKED = re.compile(r"[^.!?\n]*\?")  # a sentence that ends in a question mark


def _asks(text: str) -> bool:
    """Whether ``text`` asks something to be answered: a sentence of it ends in "?"
    and is no rhetorical question ("What more could you want?", "Eller hur?"), or a
    clause of it is put as a question without one (``_ASKING``)."""
    folded = text.casefold()
    rhetorical = word_pattern("rhetorical", plain=_plain(folded))
    return any(_WORD.search(m.group()) and not rhetorical.search(m.group())
               for m in _ASKED.finditer(folded)) or any(
        not rhetorical.search(_CLAUSE.match(text, m.start()).group().casefold())
        for m in _ASKING.finditer(text))


# A clause put as a question with no question mark, after praise ("Lovely boots, do you
# have them in brown", "Smukke sko, har I dem i str 38", "Love these! When do they come
# back in stock"): an auxiliary or a verb first, then you (they only after "do" and the
# like, or "finns"/"kommer": "Snygga, har de hållit i ett år nu" tells); when or where,
# then a verb. Narrow on purpose: "Love them, when I wear them I feel great" asks
# nothing. Danish "I" (you) only capitalised.
_ASKING = re.compile(
    r"(?:^|[,.!;:\n]\s*)(?i:(?:but|and|men|og|och)\s+)?(?:"
    r"(?i:do|does|can|could|will|would|are|have|has)\s+(?i:you|u|they|these|those)\b"
    r"|(?i:when|where)\s+(?i:do|does|can|will|is|are|would|could)\s+(?i:you|u|they|"
    r"these|those|it|the)\b"
    r"|(?i:har|kan|sælger|säljer|selger|sender|skickar|tar)\s+(?:I|(?i:ni|dere|du))\s"
    r"|(?i:finns|findes|fins|kommer)\s+(?i:de|den|dom)\s"
    r"|(?i:hvornår|når|när|hur|hvordan)\s+(?i:kommer|kan|får|blir|bliver|skal|ska|"
    r"finns|findes|fins)\s)")


_CLAUSE = re.compile(r"[^.!?\n]*")  # from a position to the end of its sentence


def kind_of(text: str, rating: int | None) -> str:
    """complaint | question | praise | other. A star rating decides when it is 1-2
    (complaint) or 4-5 (praise, unless it asks something too); otherwise the words do:
    a complaint, then a request for care ("please call me", "jag vill byta storlek"),
    which is a question that praise around it does not hide, then praise that asks
    nothing (a rhetorical question asks nothing), then a question."""
    if rating is not None and rating <= 2:
        return "complaint"
    complaint, praise, rest, praised = _markers(text)
    requested = _requested(rest, praised, _plain(text.casefold()))
    if rating is not None and rating >= 4:
        # "Love them, but how do I exchange them?", "Great shoes! Do you have them in
        # brown?": thanks alone would leave the customer without an answer
        return "question" if requested or _asks(text) else "praise"
    if complaint:
        return "complaint"
    if requested:
        return "question"
    if praise and not _asks(text):
        return "praise"
    if _is_question(text):
        return "question"
    return "praise" if praise else "other"


def unreadable(cls: Classification) -> bool:
    """Whether the message is in a language we can tell but do not read (German,
    Finnish, French...): its words say nothing to kind_of, so an agent must read it."""
    return cls.language is not None and cls.language not in SUPPORTED


def has_reservations(text: str) -> bool:
    """Whether praise also says what could have been better: a 4- or 5-star review
    that complains too ("Lovely shoes, but delivery took forever"). It is thanked, and
    its thank-you says the criticism was heard."""
    return _markers(text)[0]


def sentiment_of(text: str, rating: int | None) -> str:
    """negative | neutral | positive, from the rating when there is one, else the words."""
    if rating is not None:
        return "negative" if rating <= 2 else "positive" if rating >= 4 else "neutral"
    complaint, praise, _, _ = _markers(text)
    return "negative" if complaint else "positive" if praise else "neutral"


# --- machines and our own posts (P16) -------------------------------------------------
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto[- ]?reply|autoreply|out of (?:the )?office|"
    r"automatisk svar|automatiskt svar|autosvar|frånvaro\w*|fravær\w*|ikke til stede|"
    # Outlook's and others' out-of-office subjects, as set in each language
    r"away from (?:the )?office|(?:ikke|ej|inte) på kontoret|ude af kontoret|"
    r"borta från kontoret|borte fra kontoret|abwesenheitsnotiz)\b",
    re.IGNORECASE,
)


def brand_key(name: str) -> str:
    """``name`` as ``Rules.brand`` holds it: letters and digits, case-folded."""
    return "".join(c for c in name.casefold() if c.isalnum())


def impersonates(msg: Message, rules: Rules) -> bool:
    """Whether a public post by someone else goes by our name ("Nordic Shoes Support",
    "@nordicshoes_help") and sends readers somewhere not ours: the scam that answers
    complaints on a brand's page. Ask only of a post ``machine_reason`` lets through:
    our own page goes by our name too."""
    author = msg.author
    names = (author.name or "", author.handle or "")
    return bool(msg.public and rules.brand
                and any(rules.brand in brand_key(n) for n in names)
                and sends_elsewhere(msg.text or "", rules.own_domains))


def machine_reason(msg: Message, rules: Rules) -> str | None:
    """Why ``msg`` must never be answered (P16): own_post, retweet, auto_submitted,
    bounce, report, bulk, mailing_list, no_reply or auto_reply; None when a human wrote
    it."""
    author = msg.author
    own_handles = {i.casefold().lstrip("@") for i in rules.own_ids}
    if (
        msg.direction == "out"
        or (author.id is not None and author.id in rules.own_ids)
        or (author.handle and author.handle.casefold().lstrip("@") in own_handles)
        or (author.email and author.email.casefold() in rules.own_emails)
    ):
        return "own_post"
    if msg.channel == "x" and _retweet(msg):
        return "retweet"  # someone else's words passed on: that post is answered itself
    raw_headers = msg.raw.get("headers") or {}
    h = {str(k).casefold(): str(v).strip() for k, v in raw_headers.items()}
    if h.get("auto-submitted", "no").casefold() != "no":
        return "auto_submitted"
    sender = parseaddr(h.get("from", "") or h.get("sender", "") or author.email or "")[1]
    if h.get("return-path") == "<>" or sender.casefold().split("@")[0] in (
        "mailer-daemon", "postmaster",
    ):  # fmt: skip
        return "bounce"
    # answers go to Reply-To, or to the customer a contact form names
    answer_to = (author.email if msg.raw.get("contact_form") else None) or \
        parseaddr(h.get("reply-to", "") or sender)[1].casefold()
    if msg.channel == "email" and answer_to.split("@")[0].startswith(NO_REPLY):
        return "no_reply"  # a courier's or a shop system's notice: no one reads answers
    if h.get("content-type", "").casefold().startswith("multipart/report"):
        return "report"
    precedence = h.get("precedence", "").casefold()
    if precedence in ("bulk", "list", "junk"):
        return "bulk"
    if "list-id" in h or "list-unsubscribe" in h:
        return "mailing_list"
    # X-Auto-Response-Suppress is NOT a marker: Outlook puts it on ordinary mail too.
    if "x-autoreply" in h or "x-autorespond" in h or precedence == "auto_reply":
        return "auto_reply"
    if _AUTO_SUBJECT.match(msg.subject or h.get("subject", "")):
        return "auto_reply"
    return None


def _retweet(msg: Message) -> bool:
    tweet = msg.raw.get("tweet") if isinstance(msg.raw.get("tweet"), dict) else {}
    refs = tweet.get("referenced_tweets") or []
    return any(isinstance(r, dict) and r.get("type") == "retweeted" for r in refs) or \
        msg.text.startswith("RT @")


def classify(msg: Message, rules: Rules, prior_language: str | None = None) -> Classification:
    """Classify one message. ``prior_language`` is the author's language from earlier
    messages; short or unclear text falls back to it, then to the business default."""
    reading = read_languages([msg.text or ""])[0]
    return with_language(content(msg, rules, reading), rules, prior_language)


def content(msg: Message, rules: Rules, reading: tuple[str, ...]) -> Classification:
    """What the message itself says, given what ``read_languages`` read of the language
    of its text (the language is left open where that is not one: ``with_language``)."""
    text = msg.text or ""
    kind = kind_of(text, msg.rating)
    machine = machine_reason(msg, rules)
    moderation = moderation_reasons(text, rules)
    if machine is None and "spam" not in moderation and impersonates(msg, rules):
        moderation = tuple(sorted((*moderation, "spam")))
    return Classification(
        language=reading[0] if len(reading) == 1 else None,
        between=reading if len(reading) > 1 else (),
        kind=kind,
        moderation=moderation,
        machine=machine,
        sentiment=sentiment_of(text, msg.rating),
        # only a rating makes praise of words that complain (kind_of)
        reservations=kind == "praise" and msg.rating is not None and has_reservations(text),
    )


def with_language(cls: Classification, rules: Rules, prior_language: str | None
                  ) -> Classification:
    """``cls`` with a language for sure: its own, else the author's earlier one, else the
    business default (P15); where the text is one of two of ours, the earlier or the
    default only if it is one of them, else the likelier of the two."""
    if cls.language is not None:
        return cls
    fallback = prior_language if prior_language in (cls.between or SUPPORTED) \
        else rules.default_language
    return replace(cls, language=choose_language(cls.between, fallback), between=())
