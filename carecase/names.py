"""Names: fold, parse and compare the ways one person names themselves on each channel.

A display name ("Anna Andersson", "Anna A.", "Kalle 🚀"), an X handle ("@anna_a_sthlm")
and an e-mail local part ("anna.andersson82") all become a ``NameForm``: a folded first
name and surname tokens, and for handles a ``blob`` of their letters, because
"annaandersson" cannot be split without knowing the name it is compared with.
``compare`` says how well two forms agree; ``name_keys`` and ``lookup_keys`` give the
blocking keys a customer is indexed and a message looks up by.
Pure functions, no I/O beyond reading the packaged word lists once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz
from unidecode import unidecode

# How much a kind of name agreement counts, as log-odds (see identity.decide).
WEIGHTS = {
    "full name": 2.4, "full name, misspelt": 1.9, "handle = full name": 2.2,
    "initial + surname": 1.4, "same handle": 1.6, "first name + initial": 1.0,
    "first name": 0.6, "surname": 0.3, "short handle": 0.4, "initials": 0.2,
}
# Kinds that identify a person well enough to merge together with other evidence.
STRONG = frozenset({"full name", "full name, misspelt", "handle = full name",
                    "initial + surname", "same handle"})
SOURCES = {"name": "name", "signature": "signature", "handle": "handle", "e-mail": "e-mail"}
ANONYMOUS = {"a google user", "google user", "anonymous", "anonym", "facebook user",
             "trustpilot user", "customer", "kunde", "kund", "unknown"}
# Local parts and handles that name a role or a mailbox, not a person.
GENERIC = {"info", "kontakt", "contact", "post", "mail", "email", "hej", "hello", "hi",
           "support", "admin", "noreply", "order", "orders", "kundservice", "kundeservice",
           "kundtjanst", "office", "kontor", "privat", "private", "firma", "me", "test",
           "home", "hjem", "hemma", "family", "familjen", "familien", "mailbox"}
TITLES = {"mr", "mrs", "ms", "miss", "dr", "fru", "herr", "hr", "frk"}
_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]")
_NOT_NAME = re.compile(r"[^a-z\s.'-]")


# unidecode's own table for the Latin letters, general punctuation and symbols that
# customers' texts are mostly made of, looked up for the non-ASCII runs only: unidecode
# loops over every character in Python. It replaces each character on its own, so the
# result is the same (about 4x quicker for a Danish e-mail).
_ASCII = {chr(c): unidecode(chr(c))
          for r in ((0x80, 0x250), (0x2000, 0x2070), (0x20A0, 0x20C0)) for c in range(*r)}
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _replace(run: re.Match[str]) -> str:
    return "".join(_ASCII.get(c) or unidecode(c) for c in run.group())


def to_ascii(text: str) -> str:
    """``unidecode(text)``, quicker: 'Sørensen' -> 'Sorensen'."""
    return text if text.isascii() else _NON_ASCII.sub(_replace, text)


def fold(text: str) -> str:
    """Lower-case ASCII, so diacritics don't matter: 'Sørensen' -> 'sorensen', 'Æ' -> 'ae'."""
    return text.lower() if text.isascii() else to_ascii(text).lower()


_NORDIC = str.maketrans({"ø": "oe", "Ø": "Oe", "ö": "oe", "Ö": "Oe", "æ": "ae", "Æ": "Ae",
                         "ä": "ae", "Ä": "Ae", "å": "aa", "Å": "Aa", "ü": "ue", "Ü": "Ue"})


def fold_alt(text: str) -> str:
    """The other common ASCII spelling: 'Sørensen' -> 'soerensen', 'Åsa' -> 'aasa'."""
    return fold(text.translate(_NORDIC))


@lru_cache(maxsize=1)
def _first_name_set() -> frozenset[str]:
    text = resources.files("carecase").joinpath("data/first_names.txt").read_text("utf-8")
    raw = [n.strip() for line in text.splitlines() for n in line.split("#", 1)[0].split(",")]
    found = {f(n).replace("-", "") for n in raw if n for f in (fold, fold_alt)}
    return frozenset(found | set(nicknames()))


def is_first_name(word: str) -> bool:
    """Whether a folded word is a known first name or nickname ('anna', 'kalle', 'synnoeve')."""
    return word in _first_name_set()


@lru_cache(maxsize=1 << 14)
def split_blob(blob: str) -> tuple[str, str] | None:
    """A handle's letters as a known first name and the rest ('birgittaanderss' ->
    ('birgitta', 'anderss')), longest first name first; None if it starts with none."""
    for n in range(min(len(blob) - 1, 12), 2, -1):
        if is_first_name(blob[:n]):
            return blob[:n], blob[n:]
    return None


@lru_cache(maxsize=1)
def nicknames() -> dict[str, tuple[str, ...]]:
    """Folded nickname or variant -> the folded canonical first names it may stand for
    (kalle -> (karl,), kris -> (kristoffer, kristian)); a canonical name comes first in
    its own entry."""
    table: dict[str, list[str]] = {}
    text = resources.files("carecase").joinpath("data/nicknames.txt").read_text("utf-8")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        head, _, tail = line.partition(":")
        canon = fold(head.strip()).replace("-", "")
        names = [canon] + [fold(v.strip()).replace("-", "") for v in tail.split(",") if v.strip()]
        for name in names:
            entry = table.setdefault(name, [])
            if canon not in entry:
                entry.insert(0, canon) if name == canon else entry.append(canon)
    return {name: tuple(canons) for name, canons in table.items()}


def canons(first: str) -> tuple[str, ...]:
    """The canonical names a folded first name may stand for, most likely first
    (kalle -> (karl,), kris -> (kristoffer, kristian)); itself if unknown."""
    return nicknames().get(first, (first,))


def canon(first: str) -> str:
    """The canonical form of a folded first name (kalle -> karl); itself if unknown."""
    return canons(first)[0]


@lru_cache(maxsize=8192)
def variants(first: str) -> frozenset[str]:
    """All spellings of a folded first name: itself, its canonical names, their nicknames."""
    mine = set(canons(first))
    return frozenset({first, *mine} | {n for n, cs in nicknames().items() if mine & set(cs)})


@dataclass(frozen=True, slots=True)
class NameForm:
    """One way a person was named: folded first name, surname tokens and/or handle letters.

    A one-letter ``first`` or surname token is an initial. ``source`` is name, signature
    (both say who the person is) or handle, e-mail (chosen strings, noisier).
    """

    first: str = ""
    last: tuple[str, ...] = ()
    blob: str = ""
    source: str = "name"
    raw: str = ""
    # Forms are the keys of the compare memo, looked up for each pair a batch scores:
    # their hash is worked out once, in the process that uses it (a form pickled by the
    # worker process is built anew, since each process hashes strings its own way).
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.first, self.last, self.blob,
                                                self.source, self.raw)))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[NameForm], tuple[str, tuple[str, ...], str, str, str]]:
        return NameForm, (self.first, self.last, self.blob, self.source, self.raw)

    @property
    def says_name(self) -> bool:
        return self.source in ("name", "signature")


@lru_cache(maxsize=1 << 14)  # memo tables bounded: a 100k import stays under 500 MB
def parse_name(raw: str | None, source: str = "name") -> NameForm | None:
    """A display name as a NameForm; None for no name or 'A Google user'."""
    if not raw:
        return None
    text = fold(_BRACKETS.sub(" ", raw)).strip()
    if text in ANONYMOUS:
        return None
    if text.count(",") == 1:  # "Lindgren, Lars" as address books write it
        last, first = (p.strip() for p in text.split(","))
        text = f"{first} {last}" if first and last else text
    words = [w.strip("-'") for w in re.split(r"[\s.]+", _NOT_NAME.sub(" ", text))]
    words = [w.replace("'", "") for w in words if w.strip("-'") and w not in TITLES]
    if not words:
        return None
    if len(words) == 2 and is_first_name(words[1]) and not is_first_name(words[0]) \
            and len(words[0]) > 1:
        words.reverse()  # "Svensson Anna", as some address books write it
    first = words[0].replace("-", "")
    last = tuple(p for w in words[1:] for p in w.split("-") if p)
    # One long word may be a handle-like display name ("annaandersson").
    blob = first if not last and len(first) >= 8 else ""
    return NameForm(first, last, blob, source, raw.strip())


MAX_FIRST_NAME = 30  # letters; the longest in the name lists has 11 ("christopher")
# Titles in da/sv/nb/en, with or without a dot: the word after one is mostly a surname.
GREETING_TITLES = TITLES | {"mx", "prof", "professor", "sir", "froken", "froeken", "fr",
                            "dame", "doktor", "doctor", "madam", "madame"}
_AND = frozenset({"&", "+", "and", "og", "och"})  # "Mr & Mrs Smith", "Hr. og Fru Nielsen"
# Company forms after a name ("Berg AB", "Hansen ApS", "Smith Ltd."). Written before
# one ("AB Volvo") they are capitals the rule for initials turns down already.
COMPANY_FORMS = frozenset({"ab", "hb", "kb", "aps", "a/s", "as", "asa", "ivs", "i/s", "k/s",
                           "p/s", "amba", "ans", "enk", "ltd", "llc", "llp", "plc", "inc",
                           "corp", "co", "gmbh", "oy"})
_WORD = re.compile(r"\S+")


@lru_cache(maxsize=1)
def _not_names() -> frozenset[str]:
    """Folded words that say a display name names no one (data/not_names.txt)."""
    text = resources.files("carecase").joinpath("data/not_names.txt").read_text("utf-8")
    return frozenset(fold(w.strip()) for line in text.splitlines()
                     for w in line.split("#", 1)[0].split(",") if w.strip())


def _key(word: str) -> str:
    return fold(word).strip(".,;:!?\"'")


def _names_no_one(words: list[str], keys: list[str]) -> bool:
    """A label, a family or a company: 'Ikke oplyst', 'The Johnsons', 'Berg AB'."""
    return words[0].lower() == "the" or not _not_names().isdisjoint(keys) or any(
        k in COMPANY_FORMS and (w.isupper() or not is_first_name(k))  # "Berg Åsa" is Åsa
        for w, k in zip(words[1:], keys[1:], strict=True))


def greeting(raw: str | None) -> str:
    """The first name to greet a customer by, as they wrote it ("Björk", "Anne-Marie";
    all capitals or all small letters as a name is written: "ANNA" -> "Anna"), or ""
    when the display name gives none: anonymous ("A Google User"), an initial, a handle,
    an address or a link ("@someone", "anna@example.se", "fjord251", "www.shop.example"),
    or a word too long to be a first name. Replies are often public, so they must never
    repeat a mention, an address or a link a commenter put in their name.

    Nor a title's surname ("Mr. Smith", "Fru Hansen": after a title only a known first
    name followed by a surname is greeted, "Dr. Anna Berg" -> "Anna"), a family ("Familjen
    Svensson", "The Johnsons"), a label or a company ("Ikke oplyst", "Kundservice", "Berg
    AB", see data/not_names.txt), or initials: a word of two or three capitals ("KB",
    "DJ Khaled") is a name only in a name written all in capitals ("BO BERG" -> "Bo").
    """
    if not raw:
        return ""
    text = _BRACKETS.sub(" ", raw)
    found = list(_WORD.finditer(text))
    words = [m.group() for m in found]
    keys = [_key(w) for w in words]
    if not words or _names_no_one(words, keys):
        return ""
    titled = 0
    while titled < len(keys) and (keys[titled] in GREETING_TITLES
                                  or (titled and keys[titled] in _AND)):
        titled += 1
    rest = text[found[titled].start():] if titled < len(found) else ""
    form = parse_name(rest)
    if form is None or not 2 <= len(form.first) <= MAX_FIRST_NAME:
        return ""
    if titled and not (form.last and is_first_name(form.first)):
        return ""  # "Mr. Smith", "Fru Hansen", "Hr. Møller Jensen": a surname
    for word in rest.replace(",", " ").split():
        letters = word.replace("-", "").replace("'", "").replace("’", "")
        if letters.isalpha() and fold(letters) == form.first:
            if len(letters) <= 3 and word.isupper() and \
                    (any(c.islower() for c in rest) or not is_first_name(form.first)):
                return ""  # initials or an acronym: "KB", "DJ Khaled" (but "BO BERG")
            if word.isupper() or word.islower():
                word = "-".join(part.capitalize() for part in word.split("-"))
            return word
    return ""


@lru_cache(maxsize=1 << 14)
def parse_handle(raw: str | None, source: str = "handle") -> NameForm | None:
    """An X handle or an e-mail address (its local part) as a NameForm."""
    if not raw:
        return None
    text = fold(raw).strip().lstrip("@")
    if source == "e-mail":
        text = text.split("@", 1)[0].split("+", 1)[0]
    parts = [p for p in re.split(r"[^a-z]+", text) if p]
    blob = "".join(parts)
    if len(blob) < 3 or blob in GENERIC or (parts and parts[0] in GENERIC):
        return None
    if len(parts) == 1:
        return NameForm("", (), blob, source, raw.strip())
    return NameForm(parts[0], tuple(parts[1:]), blob, source, raw.strip())


def _strong(form: NameForm) -> bool:
    """A first name and a surname, both written out: it finds its own kind of name."""
    return len(form.first) > 1 and any(len(t) > 1 for t in form.last)


_SOUNDS = ((re.compile(r"(.)\1+"), r"\1"), (re.compile(r"ch|ck|c|q"), "k"),
           (re.compile(r"ph"), "f"), (re.compile(r"th"), "t"), (re.compile(r"z"), "s"),
           (re.compile(r"w"), "v"), (re.compile(r"y"), "i"))


@lru_cache(maxsize=8192)
def stems(first: str) -> tuple[str, ...]:
    """The start of a first name as written and as it sounds (Michael: mic, mik), which
    its prefix forms (Kris/Kristian, Ann/Anna) and variant spellings (Mikael/Michael,
    Anette/Annette, Sofia/Sophia) share; none for a name under three letters."""
    if len(first) < 3:
        return ()
    sound = first
    for pattern, repl in _SOUNDS:
        sound = pattern.sub(repl, sound)
    return tuple(dict.fromkeys(s for s in (first[:3], sound[:3]) if len(s) == 3))


# The one memo table of keys (about 29 MB when full): name_keys and lookup_keys put
# their keys together from it on each call, sharing its strings.
@lru_cache(maxsize=1 << 14)
def _keys(form: NameForm) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The form's own keys, and its wide keys: those an initial or a bare initial of the
    surname gives (n:a+andersson, h:aandersson, n:anna+a, h:annaa), which many others'
    names share."""
    first, full = form.first, [t for t in form.last if len(t) > 1]
    initials = [t for t in form.last if len(t) == 1]
    keys: list[str] = []
    wide: list[str] = []
    if len(first) > 1:
        cfs = canons(first)
        spellings = dict.fromkeys((first, *cfs))
        keys += [f"n:{cf}+{s}" for s in full for cf in cfs]
        keys += [f"s:{st}+{s}" for s in full for st in stems(first)]
        wide += [f"n:{first[0]}+{s}" for s in full]
        keys += [f"h:{f}{s}" for s in full for f in spellings]
        wide += [f"h:{first[0]}{s}" for s in full]
        keys += [f"h:{s}{first}" for s in full]  # "holm.gustav@..."
        wide += [f"n:{cf}+{s[0]}" for s in full + initials for cf in cfs]
        wide += [f"h:{f}{s[0]}" for s in full for f in spellings]
    elif first:
        keys += [f"n:{first}+{s}" for s in full] + [f"h:{first}{s}" for s in full]
    if form.blob:
        keys.append(f"h:{form.blob}")
        # "birgittaanderss": X cuts handles at 15 characters, so look up by what is left
        cut = form.source == "handle" and len(form.raw.lstrip("@")) >= 15 and not form.first
        split = split_blob(form.blob) if cut else None
        if split and split[1]:
            keys += [f"n:{cf}+{split[1][0]}" for cf in canons(split[0])]
    if form.says_name and len(first) > 1:  # "soerensen" as well as "sorensen" in handles
        alt = _alt(form)
        keys += [f"h:{alt.first}{s}" for s in alt.last if len(s) > 1] if alt else []
    if not _strong(form):
        # Wide keys of a weak form are its own: nothing narrower finds it.
        keys, wide = keys + wide, []
    keys += [f"n:{s}" for s in full]
    keys, wide = list(dict.fromkeys(keys)), [k for k in dict.fromkeys(wide) if k not in keys]
    return tuple(keys), tuple(wide)


def name_keys(form: NameForm) -> tuple[str, ...]:
    """The keys to index a known customer's form under, so later messages find it.

    n:<first>+<surname>, s:<first name's start>+<surname>, n:<initial>+<surname>,
    n:<first>+<surname initial> (first names canonical, so Kalle and Karl share keys),
    h:<letters> for handle-like spellings of the name, n:<surname> last. A bare first
    name gets no key: it selects too many. A weak form (an initial, a handle, a first
    name alone) is also indexed under ~<key>, the twin a full name looks up instead of
    a wide key (``lookup_keys``).
    """
    own, wide = _keys(form)
    twins = () if _strong(form) else tuple(f"~{k}" for k in own if _twinned(k))
    return own + wide + twins


def _twinned(key: str) -> bool:
    """Whether a weak form's key has a twin: every name and handle key but a bare
    surname (which never finds anyone)."""
    return key.startswith("h:") or (key.startswith("n:") and "+" in key)


def lookup_keys(form: NameForm) -> tuple[str, ...]:
    """The keys a message's form looks candidates up by, most selective first.

    A weak form looks up its own keys, which find everyone whose name it may be. A full
    name looks up the same name, its start (s:) and the weak forms that may be it (the
    ~twins of its wide keys): not everyone who shares its initial, who are mostly other
    people (Anders and Agnes for Anna Andersson). Its wide name keys are only counted
    (#<key>): how common the name is, when it agrees with an initial.
    """
    own, wide = _keys(form)
    return (*own, *(f"~{k}" for k in wide),
            *(f"#{k}" for k in wide if k.startswith("n:")))


@lru_cache(maxsize=1 << 14)
def _alt(form: NameForm) -> NameForm | None:
    """The form spelt the other common way (ø -> oe, å -> aa), if that differs."""
    if not form.raw or fold_alt(form.raw) == fold(form.raw):
        return None
    return parse_name(form.raw.translate(_NORDIC), form.source)


@lru_cache(maxsize=1 << 14)
def first_names(form: NameForm) -> tuple[str, ...]:
    """Canonical first names a form gives, for keys by first name and day: the parsed
    first name, or a handle that is a known first name or nickname ("lasse_71")."""
    if len(form.first) > 1:
        return canons(form.first)
    if form.blob and not form.first and is_first_name(form.blob):
        return canons(form.blob)
    return ()


def _first_rel(a: str, b: str) -> str:
    if not a or not b:
        return "none"
    if len(a) == 1 or len(b) == 1:
        return "initial" if a[0] == b[0] else "diff"
    if a == b:
        return "same"
    if set(canons(a)) & set(canons(b)):
        return "nickname"
    # Mikael/Michael, Kristofer/Kristoffer: one letter apart in a long name.
    if min(len(a), len(b)) >= 5 and fuzz.ratio(a, b) >= 85:
        return "variant"
    if min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)):
        return "prefix"  # Kris/Kristian, Alex/Alexandra: maybe, maybe not; no conflict
    return "diff"


def _last_rel(a: tuple[str, ...], b: tuple[str, ...]) -> str:
    if not a or not b:
        return "none"
    fa, fb = {t for t in a if len(t) > 1}, {t for t in b if len(t) > 1}
    if fa & fb:
        return "same"
    if any(min(len(x), len(y)) >= 6 and fuzz.ratio(x, y) >= 90 for x in fa for y in fb):
        return "typo"
    ia, ib = {t[0] for t in a if len(t) == 1}, {t[0] for t in b if len(t) == 1}
    if (ia & {t[0] for t in b}) or (ib & {t[0] for t in a}):
        return "initial"
    return "diff"


def _named(form: NameForm) -> bool:
    return bool(form.last) or is_first_name(form.first)


def _structured(a: NameForm, b: NameForm) -> str | None:
    """The kind of agreement of two parsed names; None when they name different people."""
    fr, lr = _first_rel(a.first, b.first), _last_rel(a.last, b.last)
    similar = fr in ("same", "nickname", "variant")
    # A lone word that is no first name ("Coffeelover") is a nickname, not a conflict.
    both_names = a.says_name and b.says_name and _named(a) and _named(b)
    if both_names and (fr == "diff" or lr == "diff"):
        return None  # Anna vs Erik Andersson, Anna Berg vs Anna Andersson: two people
    if fr == "diff" and lr == "same" and min(len(a.first), len(b.first)) >= 3:
        return None  # "espen.andreassen@" vs Nora Andreassen: a household's two people
    if similar and lr == "same":
        return "full name"
    if similar and lr == "typo":
        return "full name, misspelt"
    if similar and lr == "initial":
        return "first name + initial"
    if fr == "initial" and lr in ("same", "typo"):
        return "initial + surname"
    if similar:
        return "first name"
    if lr == "same" and fr != "diff":
        return "surname"
    if fr == "initial" and lr == "initial":
        return "initials"
    return ""


def _blob_vs(blob: str, b: NameForm) -> str:
    """How a handle's letters spell the parsed name b (annaandersson, aandersson, annaa)."""
    if not b.first:
        return ""
    alt = _alt(b) if b.says_name and not b.raw.isascii() else None
    for form in (b, alt) if alt else (b,):
        if kind := _spells(blob, form):
            return kind
    firsts = variants(b.first) if len(b.first) > 1 else frozenset()
    if blob in firsts and _named(b):
        return "first name"
    return ""


# About 1.5 KB an entry: 16k of them weighed 24 MB. At 4k a 100k import misses 263k
# times instead of 36k, at 5 us each: about 1 s.
@lru_cache(maxsize=1 << 12)
def _patterns(b: NameForm) -> tuple[tuple[str, str], ...]:
    """How a handle may spell the parsed name b, strongest first."""
    full = [t for t in b.last if len(t) > 1]
    firsts = variants(b.first) if len(b.first) > 1 else frozenset()
    patterns = [(f + s, "handle = full name") for f in firsts for s in full]
    patterns += [(s + f, "handle = full name") for f in firsts for s in full]
    patterns += [(b.first[0] + s, "initial + surname") for s in full]
    patterns += [(f + s[0], "first name + initial") for f in firsts for s in b.last]
    return tuple(patterns)


def _spells(blob: str, b: NameForm) -> str:
    # A handle starts with the name and may go on ("anna_a_sthlm"); "espenandreassen"
    # does not spell N. Andreassen. X cuts handles at 15 characters ("birgittaanderss").
    cut = len(blob) >= 12
    for pattern, kind in _patterns(b):
        if (blob.startswith(pattern) and (len(pattern) >= 8 or blob == pattern)) or \
                (cut and pattern.startswith(blob)):
            return kind
    return ""


def _digits(raw: str) -> str:
    return re.sub(r"\D", "", raw.split("@", 1)[0])


@lru_cache(maxsize=1 << 14)
def compare(a: NameForm, b: NameForm) -> str | None:
    """The kind of agreement between two forms ('' = none), or None for a clear conflict."""
    kinds = []
    if a.blob and b.blob and a.blob == b.blob and not is_first_name(a.blob):
        # "nightowl363" and "nightowl88" are two people; "annaandersson82" is Anna Andersson
        # ("charlotte" and "charlotte" are a first name, compared as one below)
        same = len(a.blob) >= 8 and (split_blob(a.blob) is not None or
                                     _digits(a.raw) == _digits(b.raw))
        kinds.append("same handle" if same else "short handle")
    if a.blob:
        kinds.append(_blob_vs(a.blob, b))
    if b.blob:
        kinds.append(_blob_vs(b.blob, a))
    if a.first and b.first:
        kind = _structured(a, b)
        if kind is None and not any(kinds):
            return None
        kinds.append(kind or "")
    return max(kinds, key=lambda k: WEIGHTS.get(k, 0.0), default="")


def rarity_key(kind: str, a: NameForm, b: NameForm) -> str | None:
    """The key whose customer count says how common the agreeing name is."""
    if kind == "same handle":
        return f"h:{a.blob}"
    form = b if len(b.first) > 1 and any(len(t) > 1 for t in b.last) else a
    full = [t for t in form.last if len(t) > 1]
    if not form.first or not full:
        return None
    first, surname = form.first, full[-1]
    if kind == "initial + surname":
        return f"n:{first[0]}+{surname}"
    if len(first) < 2:
        return None
    if kind in ("full name", "full name, misspelt", "handle = full name"):
        return f"n:{canon(first)}+{surname}"
    if kind == "first name + initial":
        return f"n:{canon(first)}+{surname[0]}"
    return None


def describe(form: NameForm) -> str:
    """'handle '@annaa'' for evidence strings."""
    return f"{SOURCES[form.source]} '{form.raw}'"


_SIGNOFF = re.compile(
    r"^\s*(?:(?:med\s+)?v[äa]nlig(?:a)?\s+h[äa]lsning(?:ar)?|h[äa]lsning(?:ar)?|mvh|"
    r"(?:med\s+)?ven{1,2}lig\s+hilsen|hilsen|hilsner|"
    r"(?:kind|best|warm)\s+regards|regards|best\s+wishes|best|cheers|thanks|thank\s+you|"
    r"p[åa]\s+forh[åa]nd\s+(?:tak|takk)|"
    r"tack|takk|tak|/+|-{1,2}|–|—)(?:[\s,.!:]+|$)(?P<rest>.*)$", re.I)
_HANDLE_CUE = re.compile(r"\b(?:twitter|x|instagram|insta)\s*:?\s*@(\w{2,15})|^\s*@(\w{2,15})\s*$",
                         re.I | re.M)


def _namey(line: str) -> bool:
    words = line.split()
    return (0 < len(words) <= 4 and len(line) <= 40 and not any(c.isdigit() for c in line)
            and all(w[0].isupper() and w[0].isalpha() for w in words))


MEMO_SIGNED = 5_000  # longer bodies are not kept as keys of the memo table


def signature(text: str) -> tuple[tuple[str, ...], tuple[str, ...], int | None]:
    """Names and handles an e-mail is signed with, and where the signature starts.

    Looks at the last lines only: a sign-off ("Mvh", "Med venlig hilsen", "/Anna",
    "Best regards") followed by a name on the same or the next line, "Twitter: @annaa";
    or, with no sign-off, a last line that reads like a full name.
    """
    return _signature(text) if len(text) <= MEMO_SIGNED else _signed(text)


def _signed(text: str) -> tuple[tuple[str, ...], tuple[str, ...], int | None]:
    """``signature``, not memoised."""
    lines = text.rstrip().splitlines()
    tail = [i for i, line in enumerate(lines) if line.strip()][-6:]
    found: list[str] = []
    start = None
    for pos, i in enumerate(tail):
        m = _SIGNOFF.match(lines[i])
        if not m:
            continue
        start = sum(len(line) + 1 for line in lines[:i])
        rest = m["rest"].strip(" ,.!")
        nxt = lines[tail[pos + 1]].strip() if pos + 1 < len(tail) else ""
        # "Tack på förhand" / "Thanks in advance": the name is on the next line
        found += [c for c in (rest, nxt) if c and _namey(c)][:1]
        break
    if start is None and tail and _namey(lines[tail[-1]].strip()):
        if len(lines[tail[-1]].split()) >= 2 and len(tail) > 1:
            found.append(lines[tail[-1]].strip())
            start = sum(len(line) + 1 for line in lines[:tail[-1]])
    region = "\n".join(lines[tail[0]:]) if tail else ""
    handles = tuple(a or b for a, b in _HANDLE_CUE.findall(region))
    return tuple(found), handles, start


_signature = lru_cache(maxsize=512)(_signed)  # keyed on whole e-mail bodies: keep it small
