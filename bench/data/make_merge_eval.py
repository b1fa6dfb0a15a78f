# ruff: noqa: E501  (message templates and name pools read better as one line each)
"""Generate a labelled identity-matching set (P14) as import-shaped JSONL, seeded.

    python bench/data/make_merge_eval.py                       # bench/data/merge_eval.jsonl
    python bench/data/make_merge_eval.py --seed 7 --pool holdout \
        --out bench/data/merge_eval_holdout.jsonl

Who is in it: people writing on 2-4 channels within hours under varying name forms
(nicknames on X, initials on review sites, diacritics dropped, handles and e-mail local
parts of every style, signatures); namesakes (same common name, different people);
households sharing a surname (some sharing an order); a courier surge of near-identical
complaints from 30+ people one morning; single messages with weak evidence; returning
customers weeks later; people who quote the shop's own phone number. E-mail addresses
and X handles are unique, as the services make them ("nightowl88" is one person).
``--pool holdout`` draws first names and rarer surnames from a disjoint half of the pools
(the commonest surnames are in both: commonness is the hard part), so a matcher tuned on
one set is checked on names it has not seen.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from unidecode import unidecode

START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
SURGE = datetime(2026, 3, 17, 6, 40, tzinfo=UTC)
DOMAINS = {"sv": ["gmail.com", "hotmail.com", "outlook.com", "telia.com", "live.se", "yahoo.se"],
           "da": ["gmail.com", "hotmail.com", "mail.dk", "live.dk", "outlook.dk", "yahoo.dk"],
           "nb": ["gmail.com", "hotmail.com", "online.no", "outlook.com", "live.no"],
           "en": ["gmail.com", "yahoo.co.uk", "outlook.com", "btinternet.com", "hotmail.co.uk"]}
CITIES = {"sv": ["sthlm", "gbg", "malmo", "uppsala", "umea"], "da": ["cph", "aarhus", "odense", "kbh"],
          "nb": ["oslo", "bergen", "trd", "stavanger"], "en": ["ldn", "leeds", "mcr", "york"]}
WORDS = ["sunflower", "blueberry", "nightowl", "fjord", "coffeelover", "kattmamma", "hygge",
         "trailrunner", "bookworm", "stormy", "lillebror", "solstraale", "moonchild", "vinterbarn"]


@dataclass
class Person:
    label: str
    lang: str
    first: str
    last: str
    rng: random.Random
    middle: str | None = None
    ids: dict[str, str] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)  # addresses and handles in use: unique

    def unique(self, name: str, limit: int = 64, domain: str = "") -> str:
        """An address or handle nobody has yet: a service never hands out one twice."""
        while name + domain in self.taken:
            name = name[: limit - 2] + str(self.rng.randint(10, 99))
        self.taken.add(name + domain)
        return name + domain

    @property
    def nick(self) -> str | None:
        return NICK.get(self.first)

    def ascii(self, s: str) -> str:
        # Danes and Norwegians often write ø as oe in addresses; others drop diacritics.
        if self.lang in ("da", "nb") and self.rng.random() < 0.4:
            s = s.replace("ø", "oe").replace("Ø", "Oe").replace("æ", "ae").replace("å", "aa")
        return unidecode(s).lower().replace(" ", "").replace("-", "")

    def email(self) -> str:
        if "email" not in self.ids:
            r, f, la = self.rng, self.ascii(self.first), self.ascii(self.last)
            nn = str(r.randint(60, 99)) if r.random() < 0.4 else ""
            local = r.choice([f"{f}.{la}{nn}", f"{f}.{la}", f"{f[0]}{la}", f"{f}_{la[0]}{nn}",
                              f"{f}{la}{nn}", f"{f}{nn or r.randint(1, 99)}",
                              f"{r.choice(WORDS)}{r.randint(1, 99)}", f"{f[0]}{la[0]}{r.randint(1960, 2004)}",
                              f"{la}.{f}"])
            self.ids["email"] = self.unique(local, domain="@" + r.choice(DOMAINS[self.lang]))
        return self.ids["email"]

    def x(self) -> tuple[str, str, str]:
        if "x" not in self.ids:
            r, f, la = self.rng, self.ascii(self.first), self.ascii(self.last)
            nick = self.ascii(self.nick) if self.nick else f
            handle = r.choice([f"{f}{la}", f"{f}_{la[0]}_{r.choice(CITIES[self.lang])}",
                               f"{nick}_{r.randint(70, 99)}", f"{f}{la[0]}", f"{f[0]}{la}",
                               f"{r.choice(WORDS)}{r.randint(1, 999)}", f"{f}_{la}", f"{nick}{la}"])
            display = r.choice([f"{self.first} {self.last}", self.nick or self.first, self.first,
                                f"{self.first} {self.last[0]}.", f"{self.nick or self.first} 🌻",
                                f"{self.first} {self.last}", r.choice(WORDS).capitalize()])
            self.ids["x"] = self.unique(handle[:15].lower(), 15)
            self.ids["x_name"] = display
            self.ids["x_id"] = str(r.randint(10**17, 10**19))
        return self.ids["x_id"], self.ids["x"], self.ids["x_name"]

    def facebook(self) -> tuple[str, str]:
        if "fb" not in self.ids:
            r = self.rng
            first = self.nick if self.nick and r.random() < 0.25 else self.first
            name = f"{first} {self.middle} {self.last}" if self.middle else f"{first} {self.last}"
            if r.random() < 0.15:
                name = unidecode(name)
            self.ids["fb"] = str(r.randint(10**15, 10**16))
            self.ids["fb_name"] = name
        return self.ids["fb"], self.ids["fb_name"]

    def review_name(self, site: str) -> str:
        r, f, la = self.rng, self.first, self.last
        if site == "google":
            return r.choices([f"{f} {la}", f"{f} {la[0]}.", f, "A Google user"], [6, 2, 1, 1])[0]
        return r.choices([f"{f} {la}", f"{f} {la[0]}", f, f"{f.lower()} {la.lower()}"],
                         [5, 3, 1, 1])[0]


class Builder:
    def __init__(self, seed: int, pool: str) -> None:
        self.r = random.Random(seed)
        self.pool = pool
        self.lines: list[dict] = []
        self.people = 0
        self.seq = 0
        self.taken: set[str] = set()
        self.posts = {lang: str(self.r.randint(10**14, 10**15)) for lang in TEXTS}

    # ---- names -------------------------------------------------------------------
    def _half(self, names: list[str]) -> list[str]:
        return names[0::2] if self.pool == "main" else names[1::2]

    def name(self, lang: str, surname: str | None = None, gender: str | None = None
             ) -> tuple[str, str]:
        r = self.r
        first = r.choice(self._half(FIRST[lang][gender or r.choice("fm")]))
        if surname is None:
            pairs = SURNAMES[lang]
            common, rest = pairs[:3], self._half(pairs[3:])
            names, weights = zip(*(common + rest), strict=True)
            surname = r.choices(names, weights)[0]
        return first, surname

    def person(self, lang: str | None = None, first: str | None = None,
               last: str | None = None) -> Person:
        lang = lang or self.r.choices(list(TEXTS), [4, 3, 3, 1])[0]
        gender = self.r.choice("fm")
        f, la = self.name(lang, last, gender)
        self.people += 1
        p = Person(f"person-{self.people:03d}", lang, first or f, la,
                   random.Random(self.r.random()), taken=self.taken)
        if self.r.random() < 0.05:
            p.middle = self.name(lang, gender=gender)[0]
        return p

    # ---- texts -------------------------------------------------------------------
    def text(self, p: Person, channel: str, topic: str, order: str | None = None,
             hint: str | None = None, sign: bool = True, own_phone: bool = False) -> str:
        r, t = self.r, TEXTS[p.lang]
        product = r.choice(t["products"])
        core = r.choice(t["topics"][topic]).format(courier=COURIER[p.lang], product=product,
                                                   days=r.randint(3, 9))
        parts = [core]
        if channel == "x":
            parts.insert(0, "@nordhem")
        if order:
            parts.append(r.choice(t["order"]).format(order=order))
        if hint:
            parts.append(r.choice(t["hint"]).format(channel=hint))
        if own_phone:
            parts.append(r.choice(t["call_me"]).format(phone=self.phone(p)))
        if r.random() < 0.08:
            parts.append(r.choice(t["called_shop"]).format(phone=COMPANY_PHONE[p.lang]))
        if channel != "email":
            return " ".join(parts)
        body = [r.choice(t["greeting"]), "", " ".join(parts), ""]
        if sign:
            body.append(r.choice(t["signoff"]))
            body.append(r.choice([p.first, f"{p.first} {p.last}", f"{p.first} {p.last}"]))
            if r.random() < 0.2:
                body.append(self.phone(p))
            if r.random() < 0.06 and "x" in p.ids:
                body.append(f"Twitter: @{p.ids['x']}")
        return "\n".join(body).strip()

    def phone(self, p: Person) -> str:
        if "phone" not in p.ids:
            r = p.rng
            p.ids["phone"] = {
                "sv": f"07{r.choice('0236')}-{r.randint(100, 999)} {r.randint(10, 99)} {r.randint(10, 99)}",
                "da": f"{r.choice('2345')}{r.randint(0, 9)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}",
                "nb": f"{r.choice('49')}{r.randint(10, 99)} {r.randint(10, 99)} {r.randint(100, 999)}",
                "en": f"07{r.randint(100, 999)} {r.randint(100000, 999999)}"}[p.lang]
        return p.ids["phone"]

    # ---- messages ----------------------------------------------------------------
    def emit(self, p: Person, channel: str, at: datetime, topic: str, *,
             order: str | None = None, invited: bool = False, **kw) -> None:
        r = self.r
        self.seq += 1
        mid = f"m{self.seq:05d}"
        author: dict = {"id": None, "name": None, "handle": None, "email": None}
        line = {"channel": channel, "thread_id": None, "parent_id": None, "public": True,
                "url": None, "rating": None, "order_ref": None, "raw": {}}
        text_order = order if channel != "trustpilot" or not invited else None
        if channel == "email":
            author["email"] = p.email()
            author["name"] = r.choices([f"{p.first} {p.last}", None, p.first,
                                        f"{p.last}, {p.first}"], [7, 2, 1, 0.3])[0]
            ext = f"<{mid}.{r.getrandbits(40):x}@mail.{p.email().split('@')[1]}>"
            line.update(external_id=ext, thread_id=ext, public=False,
                        raw={"headers": {"Subject": TEXTS[p.lang]["subject"][topic]}})
        elif channel == "facebook":
            author["id"], author["name"] = p.facebook()
            post = kw.pop("post", None) or self.posts[p.lang]
            ext = f"{post}_{r.randint(10**15, 10**16)}"
            line.update(external_id=ext, thread_id=post, parent_id=post,
                        url=f"https://www.facebook.com/{post}?comment_id={ext.split('_')[1]}")
        elif channel == "x":
            author["id"], author["handle"], author["name"] = p.x()
            ext = str(r.randint(10**18, 2 * 10**18))
            line.update(external_id=ext, thread_id=ext,
                        url=f"https://x.com/{author['handle']}/status/{ext}")
        elif channel == "trustpilot":
            if "tp" not in p.ids:
                p.ids["tp"], p.ids["tp_name"] = f"{r.getrandbits(96):024x}", p.review_name("tp")
            author["id"], author["name"] = p.ids["tp"], p.ids["tp_name"]
            ext = f"{r.getrandbits(96):024x}"
            if invited:
                author["email"] = p.email()
                line["order_ref"] = order
            line.update(external_id=ext, rating=r.choice([1, 1, 2]) if topic != "praise" else 5,
                        url=f"https://www.trustpilot.com/reviews/{ext}")
        else:
            if "g_name" not in p.ids:
                p.ids["g_name"] = p.review_name("google")
            author["name"] = p.ids["g_name"]
            ext = f"AbFvOq{r.getrandbits(80):x}"
            line.update(external_id=ext, rating=r.choice([1, 2]) if topic != "praise" else 5,
                        raw={"reviewer": {"displayName": author["name"],
                                          "isAnonymous": author["name"] == "A Google user"}})
        at = at.replace(microsecond=0)
        line.update(author=author, created_at=at.isoformat(), label=p.label,
                    text=self.text(p, channel, topic, text_order, **kw))
        self.lines.append(line)

    def order(self) -> str:
        return str(self.r.randint(1_000_000, 9_999_999))

    def day(self, lo: int = 0, hi: int = 40) -> datetime:
        return START + timedelta(days=self.r.randint(lo, hi), hours=self.r.uniform(0, 14))


# ---- scenarios ---------------------------------------------------------------------
HINT_WORD = {"facebook": "Facebook", "x": "Twitter", "trustpilot": "Trustpilot",
             "google": "Google", "email": "mail"}
TOPICS = ["courier", "damaged", "wrong_item", "refund", "double_charge", "return_label",
          "discount", "missing_part", "praise"]


def episode(b: Builder, p: Person, at: datetime, channels: list[str], topic: str) -> datetime:
    """One matter told on several channels within hours; returns when it ended."""
    r = b.r
    order = b.order() if r.random() < 0.55 else None
    seen: list[str] = []
    for ch in channels:
        hint = HINT_WORD[r.choice(seen)] if seen and r.random() < 0.3 else None
        invited = ch == "trustpilot" and order is not None and r.random() < 0.6
        say_order = order if invited or ch == "email" or r.random() < 0.25 else None
        b.emit(p, ch, at, topic, order=say_order, invited=invited, hint=hint,
               own_phone=ch in ("facebook", "x") and r.random() < 0.05)
        if ch in ("email", "facebook", "x") and r.random() < 0.15:
            at += timedelta(minutes=r.uniform(20, 300))
            b.emit(p, ch, at, "followup")
        seen.append(ch)
        at += timedelta(hours=r.uniform(0.2, 9))
    return at


def channels_for(r: random.Random, n: int) -> list[str]:
    first = r.choices(["email", "facebook", "x", "trustpilot"], [5, 4, 2, 1])[0]
    rest = [c for c in ["email", "facebook", "x", "trustpilot", "google"] if c != first]
    return [first, *r.sample(rest, n - 1)]


def build(seed: int, pool: str) -> list[dict]:
    b = Builder(seed, pool)
    r = b.r
    multi = []
    for i in range(95):  # the same person on 2-4 channels within hours
        p = b.person()
        on_surge = i < 12
        at = SURGE + timedelta(hours=r.uniform(0, 4)) if on_surge else b.day()
        topic = "courier" if on_surge else r.choice(TOPICS)
        end = episode(b, p, at, channels_for(r, r.choices([2, 3, 4], [5, 3, 1])[0]), topic)
        multi.append((p, end))
    for p, end in multi[-12:]:  # returning weeks later, same or another channel
        same = r.random() < 0.5
        ch = next((x["channel"] for x in b.lines if x["label"] == p.label), "email") if same \
            else r.choice(["email", "facebook", "x", "google"])
        b.emit(p, ch, end + timedelta(days=r.randint(14, 30)), r.choice(TOPICS))
    for _ in range(34):  # the courier surge: near-identical comments, one morning
        p = b.person(lang=r.choices(["sv", "da", "nb"], [6, 2, 2])[0])
        ch = r.choices(["facebook", "x", "google"], [7, 2, 1])[0]
        b.emit(p, ch, SURGE + timedelta(minutes=r.uniform(0, 270)), "surge")
    twin = b.person(lang="sv")  # two different people with one common name in the surge
    other = b.person(lang="sv", first=twin.first, last=twin.last)
    b.emit(twin, "facebook", SURGE + timedelta(minutes=35), "surge")
    b.emit(other, "x", SURGE + timedelta(minutes=150), "surge")
    for i in range(9):  # namesakes: same common name, different people, different matters
        lang = r.choice(["sv", "da", "nb", "en"])
        first, last = b.name(lang, SURNAMES[lang][i % 3][0])
        a, c = b.person(lang, first, last), b.person(lang, first, last)
        t1 = b.day(0, 15)
        gap = timedelta(days=r.randint(1, 3)) if i < 2 else timedelta(days=r.randint(18, 35))
        topics = r.sample(TOPICS, 2)
        episode(b, a, t1, [r.choice(["email", "facebook", "trustpilot"])], topics[0])
        episode(b, c, t1 + gap, [r.choice(["email", "facebook", "google", "x"])], topics[1])
    for i in range(8):  # households: same surname, same town, same day, same trouble
        a = b.person()
        c = b.person(a.lang, last=a.last)
        while c.first == a.first:
            c.first = b.name(a.lang)[0]
        at, topic = b.day(), r.choice(["courier", "damaged", "wrong_item", "refund"])
        order = b.order()
        b.emit(a, "email", at, topic, order=order)
        b.emit(a, "facebook", at + timedelta(hours=r.uniform(0.5, 3)), topic)
        shared = order if i < 3 else None  # "my wife's order 1234567"
        b.emit(c, "facebook", at + timedelta(hours=r.uniform(0.5, 5)), topic, order=shared)
        if r.random() < 0.5:
            b.emit(c, "x", at + timedelta(hours=r.uniform(1, 6)), topic)
    for _ in range(60):  # one message each, only weak evidence: must stay separate
        p = b.person()
        ch = r.choices(["email", "facebook", "x", "trustpilot", "google"], [3, 3, 2, 2, 2])[0]
        b.emit(p, ch, b.day(), r.choice(TOPICS), order=b.order() if r.random() < 0.2 else None)
    b.lines.sort(key=lambda line: line["created_at"])
    return b.lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--pool", choices=["main", "holdout"], default="main")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("merge_eval.jsonl"))
    args = ap.parse_args()
    lines = build(args.seed, args.pool)
    with args.out.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    people = len({line["label"] for line in lines})
    print(f"{args.out}: {len(lines)} messages from {people} people")


# ---- data ----------------------------------------------------------------------------
COURIER = {"sv": "PostNord", "da": "GLS", "nb": "Bring", "en": "Royal Mail"}
COMPANY_PHONE = {"sv": "0771-41 14 00", "da": "70 20 30 40", "nb": "22 80 90 00",
                 "en": "0800 123 4567"}
NICK = {"Karl": "Kalle", "Lars": "Lasse", "Per": "Pelle", "Bo": "Bosse", "Jan": "Janne",
        "Mikael": "Micke", "Kristina": "Stina", "Charlotte": "Lotta", "Nils": "Nisse",
        "Hans": "Hasse", "Magnus": "Mange", "Thomas": "Tompa", "Fredrik": "Fredde",
        "Henrik": "Henke", "Joakim": "Jocke", "Patrik": "Patte", "Gustav": "Gurra",
        "Katarina": "Kattis", "Margareta": "Maggan", "Elisabeth": "Lisbeth",
        "Birgitta": "Gittan", "Tobias": "Tobbe", "Daniel": "Danne", "Sebastian": "Sebbe",
        "Kristoffer": "Toffe", "Mattias": "Matte", "Rasmus": "Rasse", "Stefan": "Steffe",
        "William": "Bill", "Robert": "Bob", "Katherine": "Kate", "Elizabeth": "Liz",
        "Richard": "Rick", "James": "Jim", "Edward": "Ted", "Anthony": "Tony",
        "Joseph": "Joe", "Matthew": "Matt", "Samuel": "Sam", "Benjamin": "Ben",
        "Jennifer": "Jenny", "Rebecca": "Becky", "Margaret": "Maggie", "Victoria": "Vicky",
        "Christopher": "Chris", "Nicholas": "Nick", "Andrew": "Andy", "Michael": "Mike",
        "Margrethe": "Mette", "Henriette": "Jette", "Benedikte": "Bente", "Jakob": "Jake",
        "Kenneth": "Kenta", "Camilla": "Milla", "Susanne": "Sussie", "Ulrika": "Ulla",
        "Jonas": "Jonte", "Nikolaj": "Niko", "Alexander": "Alex", "Ingeborg": "Inga",
        "Kristian": "Kris", "Abigail": "Abby", "Deborah": "Debbie", "Patricia": "Trish"}
FIRST = {
    "sv": {"f": ["Anna", "Maria", "Eva", "Karin", "Kristina", "Lena", "Sara", "Emma", "Kerstin",
                 "Ingrid", "Malin", "Elin", "Johanna", "Linnéa", "Sofia", "Ida", "Hanna", "Åsa",
                 "Annika", "Ulrika", "Charlotte", "Camilla", "Birgitta", "Elisabeth", "Katarina",
                 "Margareta", "Susanne", "Jenny", "Frida", "Maja", "Ebba", "Agnes", "Märta",
                 "Signe", "Therese", "Josefin", "Linda", "Helena", "Cecilia", "Marie"],
           "m": ["Lars", "Karl", "Anders", "Johan", "Per", "Mikael", "Erik", "Jan", "Peter",
                 "Hans", "Thomas", "Nils", "Bo", "Magnus", "Fredrik", "Henrik", "Gustav",
                 "Joakim", "Patrik", "Mattias", "Daniel", "Andreas", "Stefan", "Jonas",
                 "Sebastian", "Tobias", "Göran", "Björn", "Olof", "Kenneth", "Oskar", "Viktor",
                 "Axel", "Emil", "Linus", "Måns", "Örjan", "Håkan", "Kristoffer", "Ulf"]},
    "da": {"f": ["Anne", "Kirsten", "Mette", "Hanne", "Anna", "Helle", "Susanne", "Lene", "Maria",
                 "Marianne", "Lone", "Camilla", "Pia", "Louise", "Charlotte", "Tina", "Gitte",
                 "Bente", "Karen", "Inge", "Henriette", "Sofie", "Ida", "Freja", "Emma", "Laura",
                 "Mathilde", "Cecilie", "Signe", "Line", "Maja", "Nanna", "Trine", "Birgitte",
                 "Dorthe", "Rikke", "Margrethe", "Benedikte"],
           "m": ["Peter", "Jens", "Lars", "Michael", "Henrik", "Søren", "Thomas", "Jan", "Niels",
                 "Morten", "Rasmus", "Jesper", "Martin", "Anders", "Mads", "Mikkel", "Frederik",
                 "Christian", "Kasper", "Jakob", "Nikolaj", "Jørgen", "Ole", "Bent", "Torben",
                 "Kim", "Steen", "Poul", "Brian", "Emil", "Oliver", "William", "Lucas",
                 "Magnus", "Troels", "Bo", "Kristian", "Carsten"]},
    "nb": {"f": ["Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid",
                 "Bjørg", "Hilde", "Anna", "Solveig", "Marianne", "Randi", "Ida", "Nina",
                 "Maria", "Elisabeth", "Kristin", "Silje", "Ingeborg", "Tone", "Hanne", "Nora",
                 "Emma", "Sofie", "Ingvild", "Guro", "Tuva", "Synnøve", "Åse", "Kjersti",
                 "Ragnhild", "Siri", "Sigrid", "Mari", "Camilla"],
           "m": ["Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein", "Thomas",
                 "Hans", "Geir", "Tor", "Morten", "Terje", "Odd", "Erik", "Martin", "Andreas",
                 "Rune", "Trond", "Jon", "Anders", "Tore", "Harald", "Olav", "Espen", "Øyvind",
                 "Håkon", "Magnus", "Eirik", "Sindre", "Jonas", "Henrik", "Sander", "Kristian",
                 "Fredrik", "Stian"]},
    "en": {"f": ["Sarah", "Emma", "Laura", "Jessica", "Emily", "Rebecca", "Sophie", "Hannah",
                 "Charlotte", "Katherine", "Elizabeth", "Jennifer", "Rachel", "Amy", "Lucy",
                 "Claire", "Victoria", "Olivia", "Grace", "Margaret", "Susan", "Deborah",
                 "Patricia", "Helen", "Abigail", "Chloe"],
           "m": ["James", "John", "Robert", "Michael", "William", "David", "Richard", "Thomas",
                 "Daniel", "Matthew", "Christopher", "Andrew", "Joseph", "Samuel", "Benjamin",
                 "Edward", "Anthony", "Paul", "Mark", "George", "Oliver", "Jack", "Harry",
                 "Nicholas", "Peter", "Ian"]},
}
_SV = ("Andersson 10 Johansson 9 Karlsson 8 Nilsson 8 Eriksson 7 Larsson 6 Olsson 6 Persson 6 "
       "Svensson 5 Gustafsson 4 Pettersson 4 Jonsson 3 Jansson 3 Hansson 3 Bengtsson 2 Jönsson 2 "
       "Lindberg 2 Lindström 2 Lindqvist 2 Lindgren 2 Berg 2 Axelsson 1 Bergström 1 Lundberg 1 "
       "Lundgren 1 Mattsson 1 Berglund 1 Fredriksson 1 Sandberg 1 Henriksson 1 Forsberg 1 "
       "Sjöberg 1 Wallin 1 Engström 1 Eklund 1 Danielsson 1 Lundin 1 Håkansson 1 Björk 1 "
       "Öberg 1 Åberg 1 Strömberg 1 Nyström 1 Holm 1 Sundberg 1 Ekström 1 Hedlund 1 Sjögren 1")
_DA = ("Nielsen 10 Jensen 10 Hansen 9 Pedersen 7 Andersen 7 Christensen 6 Larsen 6 Sørensen 5 "
       "Rasmussen 5 Jørgensen 4 Petersen 4 Madsen 4 Kristensen 4 Olsen 3 Thomsen 3 "
       "Christiansen 2 Poulsen 2 Johansen 2 Møller 2 Mortensen 2 Knudsen 1 Jakobsen 1 "
       "Mikkelsen 1 Frederiksen 1 Laursen 1 Henriksen 1 Lund 1 Schmidt 1 Eriksen 1 Nørgaard 1 "
       "Clausen 1 Simonsen 1 Svendsen 1 Andreasen 1 Iversen 1 Østergaard 1 Vestergaard 1 "
       "Jeppesen 1 Mogensen 1 Dahl 1 Bech 1 Lauridsen 1 Krogh 1 Kjær 1 Bruun 1 Bjerregaard 1")
_NB = ("Hansen 9 Johansen 8 Olsen 8 Larsen 7 Andersen 7 Pedersen 6 Nilsen 6 Kristiansen 5 "
       "Jensen 5 Karlsen 4 Johnsen 4 Pettersen 4 Eriksen 4 Berg 3 Haugen 3 Hagen 3 "
       "Johannessen 3 Andreassen 2 Jacobsen 2 Dahl 2 Halvorsen 2 Lund 2 Moen 1 Gundersen 1 "
       "Strand 1 Solberg 1 Eide 1 Knutsen 1 Martinsen 1 Bakken 1 Mathisen 1 Lie 1 Amundsen 1 "
       "Lunde 1 Solheim 1 Berge 1 Nygård 1 Bakke 1 Lien 1 Hauge 1 Sæther 1 Aas 1 Myhre 1 "
       "Haugland 1 Sandvik 1 Rønning 1 Næss 1 Ødegård 1 Bøe 1 Brekke 1 Tveit 1 Aune 1")
_EN = ("Smith 10 Jones 8 Williams 7 Brown 7 Taylor 6 Davies 5 Wilson 5 Evans 5 Thomas 4 "
       "Johnson 4 Roberts 4 Walker 3 Wright 3 Robinson 3 Thompson 3 White 3 Hughes 3 "
       "Edwards 2 Green 2 Hall 2 Wood 2 Harris 2 Lewis 2 Martin 2 Jackson 2 Clarke 2 Turner 1 "
       "Hill 1 Scott 1 Cooper 1 Morris 1 Ward 1 Moore 1 King 1 Watson 1 Baker 1 Harrison 1 "
       "Morgan 1 Patel 1 Young 1 Allen 1 Mitchell 1 Phillips 1 Bell 1 Parker 1 O'Brien 1")
SURNAMES = {lang: [(n, int(w)) for n, w in zip(s.split()[::2], s.split()[1::2], strict=True)]
            for lang, s in {"sv": _SV, "da": _DA, "nb": _NB, "en": _EN}.items()}
TEXTS = {
    "sv": {
        "greeting": ["Hej!", "Hej,", "Hej Nordhem,", "Hejsan", "Hej kundtjänst"],
        "signoff": ["Mvh", "Med vänlig hälsning", "Vänliga hälsningar", "Hälsningar", "/", "Tack på förhand"],
        "products": ["vinterjackan", "kaffebryggaren", "sängkläderna", "löparskorna", "lampan", "barnvagnen"],
        "order": ["Ordernummer {order}.", "Det gäller beställning {order}.", "Order #{order}",
                  "(beställningsnr {order})"],
        "hint": ["Jag har även skrivit på {channel}.", "Skrev till er på {channel} också men inget svar.",
                 "Har redan kontaktat er via {channel}."],
        "call_me": ["Ring mig gärna på {phone}.", "Mitt nummer är {phone}."],
        "called_shop": ["Jag har ringt er kundtjänst på {phone} tre gånger utan att komma fram."],
        "subject": {"courier": "Var är mitt paket?", "damaged": "Trasig vara", "wrong_item": "Fel vara",
                    "refund": "Återbetalning", "double_charge": "Dubbeldragning", "return_label": "Returetikett",
                    "discount": "Rabattkod", "missing_part": "Del saknas", "praise": "Tack!",
                    "followup": "Påminnelse", "surge": "Paket"},
        "topics": {
            "courier": ["Mitt paket har stått still hos {courier} i {days} dagar och ingen vet var det är.",
                        "{courier} säger att paketet är levererat men jag har inte fått något.",
                        "Var är mitt paket? Spårningen har inte uppdaterats sedan i måndags, {courier} svarar inte."],
            "damaged": ["{product} kom trasig, kartongen var helt mosad.", "Jag fick {product} idag och den är sönder.",
                        "Tyvärr var {product} skadad vid leverans, vad gör jag nu?"],
            "wrong_item": ["Jag beställde {product} men fick något helt annat.", "Fel vara i paketet, det var inte {product}.",
                           "Ni har skickat fel storlek på {product}."],
            "refund": ["Jag returnerade {product} för {days} veckor sedan och har fortfarande inte fått pengarna tillbaka.",
                       "Var är min återbetalning? Returen kom fram för länge sedan.",
                       "Har inte fått tillbaka pengarna för {product} trots att ni bekräftat returen."],
            "double_charge": ["Ni har dragit pengarna två gånger för samma beställning!",
                              "Dubbeldragning på kortet, jag vill ha tillbaka det ena beloppet.",
                              "Jag ser två dragningar från er på kontot, fixa det snälla."],
            "return_label": ["Hur får jag en returetikett? Länken på sidan fungerar inte.",
                             "Returetiketten ni skickade går inte att skriva ut.",
                             "Jag vill returnera {product} men hittar ingen etikett."],
            "discount": ["Rabattkoden från nyhetsbrevet fungerar inte i kassan.",
                         "Koden ni gav mig säger ogiltig, vad är fel?", "Min rabatt drogs aldrig av på {product}."],
            "missing_part": ["Det saknas skruvar till {product}, kan ni skicka dem?",
                             "En del saknas i lådan, {product} går inte att montera.",
                             "Laddaren till {product} låg inte med i paketet."],
            "praise": ["Snabb leverans och {product} är toppen, tack!", "Supernöjd med {product}, bra service!",
                       "Tack för hjälpen igår, allt löste sig."],
            "followup": ["Något nytt?", "Fortfarande inget svar...", "Hallå? Väntar fortfarande.",
                         "Påminnelse: jag har inte hört något."],
            "surge": ["Samma här! Paketet står still hos {courier} sedan fredag.",
                      "Mitt paket har också fastnat hos {courier}, vad händer?",
                      "Var är alla paket?? {courier} har inte levererat på en vecka",
                      "Samma problem, {courier} säger levererat men inget paket.",
                      "Väntar också på mitt paket, {courier} svarar inte."],
        },
    },
    "da": {
        "greeting": ["Hej", "Hej Nordhem", "Hej kundeservice,", "Goddag", "Hej med jer"],
        "signoff": ["Mvh", "Med venlig hilsen", "Venlig hilsen", "Hilsen", "/", "På forhånd tak"],
        "products": ["vinterjakken", "kaffemaskinen", "sengetøjet", "løbeskoene", "lampen", "barnevognen"],
        "order": ["Ordrenummer {order}.", "Det drejer sig om ordre nr. {order}.", "Bestilling #{order}",
                  "(ordre {order})"],
        "hint": ["Jeg har også skrevet på {channel}.", "Har også skrevet til jer på {channel}, men intet svar.",
                 "Jeg har allerede kontaktet jer via {channel}."],
        "call_me": ["Ring gerne til mig på {phone}.", "Mit nummer er {phone}."],
        "called_shop": ["Jeg har ringet til jeres kundeservice på {phone} flere gange uden at komme igennem."],
        "subject": {"courier": "Hvor er min pakke?", "damaged": "Ødelagt vare", "wrong_item": "Forkert vare",
                    "refund": "Refusion", "double_charge": "Dobbelt trukket", "return_label": "Returlabel",
                    "discount": "Rabatkode", "missing_part": "Manglende del", "praise": "Tak!",
                    "followup": "Rykker", "surge": "Pakke"},
        "topics": {
            "courier": ["Min pakke har ligget stille hos {courier} i {days} dage, og ingen ved hvor den er.",
                        "{courier} siger at pakken er leveret, men jeg har ikke fået noget.",
                        "Hvor er min pakke? Sporingen er ikke opdateret siden mandag, og {courier} svarer ikke."],
            "damaged": ["{product} kom i stykker, kassen var helt mast.", "Jeg fik {product} i dag, og den er ødelagt.",
                        "Desværre var {product} beskadiget ved levering, hvad gør jeg nu?"],
            "wrong_item": ["Jeg bestilte {product}, men fik noget helt andet.", "Forkert vare i pakken, det var ikke {product}.",
                           "I har sendt den forkerte størrelse af {product}."],
            "refund": ["Jeg returnerede {product} for {days} uger siden og har stadig ikke fået pengene tilbage.",
                       "Hvor bliver min refusion af? Returen er modtaget for længe siden.",
                       "Har ikke fået pengene tilbage for {product}, selvom I har bekræftet returen."],
            "double_charge": ["I har trukket pengene to gange for den samme ordre!",
                              "Dobbelt trukket på kortet, jeg vil have det ene beløb retur.",
                              "Jeg kan se to træk fra jer på kontoen, ret det venligst."],
            "return_label": ["Hvordan får jeg en returlabel? Linket på siden virker ikke.",
                             "Returlabelen I sendte kan ikke printes.", "Jeg vil returnere {product}, men kan ikke finde en label."],
            "discount": ["Rabatkoden fra nyhedsbrevet virker ikke i kurven.", "Koden I gav mig siger ugyldig, hvad er galt?",
                         "Min rabat blev aldrig trukket fra på {product}."],
            "missing_part": ["Der mangler skruer til {product}, kan I sende dem?",
                             "En del mangler i kassen, {product} kan ikke samles.", "Opladeren til {product} var ikke med i pakken."],
            "praise": ["Hurtig levering og {product} er super, tak!", "Rigtig glad for {product}, god service!",
                       "Tak for hjælpen i går, det hele løste sig."],
            "followup": ["Noget nyt?", "Stadig intet svar...", "Hallo? Venter stadig.", "Rykker lige igen."],
            "surge": ["Samme her! Pakken har ligget stille hos {courier} siden fredag.",
                      "Min pakke sidder også fast hos {courier}, hvad sker der?",
                      "Hvor er alle pakkerne?? {courier} har ikke leveret i en uge",
                      "Samme problem, {courier} siger leveret men ingen pakke."],
        },
    },
    "nb": {
        "greeting": ["Hei!", "Hei,", "Hei Nordhem,", "Hei kundeservice"],
        "signoff": ["Mvh", "Med vennlig hilsen", "Vennlig hilsen", "Hilsen", "/", "Takk på forhånd"],
        "products": ["vinterjakken", "kaffetrakteren", "sengetøyet", "løpeskoene", "lampen", "barnevognen"],
        "order": ["Ordrenummer {order}.", "Det gjelder bestilling {order}.", "Ordre #{order}",
                  "(bestillingsnummer {order})"],
        "hint": ["Jeg har også skrevet på {channel}.", "Har sendt melding på {channel} også, uten svar.",
                 "Har allerede kontaktet dere via {channel}."],
        "call_me": ["Ring meg gjerne på {phone}.", "Mitt nummer er {phone}."],
        "called_shop": ["Jeg har ringt kundeservice på {phone} flere ganger uten å komme gjennom."],
        "subject": {"courier": "Hvor er pakken min?", "damaged": "Ødelagt vare", "wrong_item": "Feil vare",
                    "refund": "Refusjon", "double_charge": "Trukket to ganger", "return_label": "Returlapp",
                    "discount": "Rabattkode", "missing_part": "Del mangler", "praise": "Takk!",
                    "followup": "Purring", "surge": "Pakke"},
        "topics": {
            "courier": ["Pakken min har stått stille hos {courier} i {days} dager og ingen vet hvor den er.",
                        "{courier} sier at pakken er levert, men jeg har ikke fått noe.",
                        "Hvor er pakken min? Sporingen er ikke oppdatert siden mandag, og {courier} svarer ikke."],
            "damaged": ["{product} kom i stykker, esken var helt knust.", "Jeg fikk {product} i dag og den er ødelagt.",
                        "Dessverre var {product} skadet ved levering, hva gjør jeg nå?"],
            "wrong_item": ["Jeg bestilte {product}, men fikk noe helt annet.", "Feil vare i pakken, det var ikke {product}.",
                           "Dere har sendt feil størrelse på {product}."],
            "refund": ["Jeg returnerte {product} for {days} uker siden og har fortsatt ikke fått pengene tilbake.",
                       "Hvor blir det av refusjonen min? Returen kom fram for lenge siden.",
                       "Har ikke fått tilbake pengene for {product} selv om dere har bekreftet returen."],
            "double_charge": ["Dere har trukket pengene to ganger for samme bestilling!",
                              "Trukket dobbelt på kortet, jeg vil ha tilbake det ene beløpet.",
                              "Jeg ser to trekk fra dere på kontoen, vennligst rett det."],
            "return_label": ["Hvordan får jeg en returlapp? Lenken på siden virker ikke.",
                             "Returlappen dere sendte kan ikke skrives ut.", "Jeg vil returnere {product}, men finner ingen lapp."],
            "discount": ["Rabattkoden fra nyhetsbrevet virker ikke i kassen.", "Koden dere ga meg sier ugyldig, hva er feil?",
                         "Rabatten ble aldri trukket fra på {product}."],
            "missing_part": ["Det mangler skruer til {product}, kan dere sende dem?",
                             "En del mangler i esken, {product} kan ikke monteres.", "Laderen til {product} lå ikke i pakken."],
            "praise": ["Rask levering og {product} er topp, takk!", "Kjempefornøyd med {product}, god service!",
                       "Takk for hjelpen i går, alt ordnet seg."],
            "followup": ["Noe nytt?", "Fortsatt ikke noe svar...", "Hallo? Venter fortsatt.", "Purrer igjen."],
            "surge": ["Samme her! Pakken har stått stille hos {courier} siden fredag.",
                      "Pakken min sitter også fast hos {courier}, hva skjer?",
                      "Hvor er alle pakkene?? {courier} har ikke levert på en uke",
                      "Samme problem, {courier} sier levert men ingen pakke."],
        },
    },
    "en": {
        "greeting": ["Hi,", "Hello,", "Hi Nordhem team,", "Dear customer service,"],
        "signoff": ["Best regards", "Kind regards", "Thanks", "Cheers", "Regards"],
        "products": ["the winter jacket", "the coffee maker", "the bedding set", "the running shoes",
                     "the lamp", "the pram"],
        "order": ["Order number {order}.", "This is about order #{order}.", "(order no. {order})"],
        "hint": ["I also wrote to you on {channel}.", "Already posted on {channel} too, no reply.",
                 "I have contacted you on {channel} as well."],
        "call_me": ["Please call me on {phone}.", "My number is {phone}."],
        "called_shop": ["I have called your customer service on {phone} three times and got nowhere."],
        "subject": {"courier": "Where is my parcel?", "damaged": "Damaged item", "wrong_item": "Wrong item",
                    "refund": "Refund", "double_charge": "Charged twice", "return_label": "Return label",
                    "discount": "Discount code", "missing_part": "Missing part", "praise": "Thank you",
                    "followup": "Chasing", "surge": "Parcel"},
        "topics": {
            "courier": ["My parcel has been stuck with {courier} for {days} days and nobody knows where it is.",
                        "{courier} says the parcel was delivered but I have not received anything.",
                        "Where is my parcel? Tracking has not updated since Monday and {courier} won't answer."],
            "damaged": ["{product} arrived broken, the box was crushed.", "I got {product} today and it is damaged.",
                        "Unfortunately {product} was damaged on delivery, what now?"],
            "wrong_item": ["I ordered {product} but received something else entirely.",
                           "Wrong item in the parcel, it was not {product}.", "You sent the wrong size of {product}."],
            "refund": ["I returned {product} {days} weeks ago and still have not been refunded.",
                       "Where is my refund? The return arrived ages ago.",
                       "No refund for {product} even though you confirmed the return."],
            "double_charge": ["You charged me twice for the same order!", "Double charge on my card, please refund one.",
                              "I can see two payments to you on my account, please fix it."],
            "return_label": ["How do I get a return label? The link on the site is broken.",
                             "The return label you sent will not print.", "I want to return {product} but cannot find a label."],
            "discount": ["The discount code from the newsletter does not work at checkout.",
                         "The code you gave me says invalid, what is wrong?", "My discount was never applied to {product}."],
            "missing_part": ["Screws for {product} are missing, can you send them?",
                             "A part is missing from the box, {product} cannot be assembled.",
                             "The charger for {product} was not in the parcel."],
            "praise": ["Fast delivery and {product} is great, thanks!", "Really happy with {product}, good service!",
                       "Thanks for your help yesterday, all sorted."],
            "followup": ["Any news?", "Still no answer...", "Hello? Still waiting.", "Chasing this again."],
            "surge": ["Same here! My parcel has been stuck with {courier} since Friday.",
                      "Mine is stuck with {courier} too, what is going on?",
                      "Where are all the parcels?? {courier} has not delivered in a week"],
        },
    },
}


if __name__ == "__main__":
    main()
