"""Write the hostile input corpus into tests/data/hostile/ (run again to regenerate).

    python -m tests.reliability.make_hostile

``lines.jsonl``: one import line per case (raw bytes, some not JSON or not UTF-8 on
purpose); ``cases.json`` names each line's category. ``*.eml``: hostile e-mails. The
30 MB e-mail is generated at test time, not kept here.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "data" / "hostile"

INJECTIONS = [
    "{{ 7*7 }}", "{{7*7}}", "{% for x in range(9) %}X{% endfor %}", "${7*7}", "#{7*7}",
    "{{ config }}", "{{ ''.__class__.__mro__[1].__subclasses__() }}", "{% raw %}",
    "{{ self._TemplateReference__context }}", "{% include '/etc/passwd' %}",
    "'; DROP TABLE messages; --", "\"; DROP TABLE customers; --", "1' OR '1'='1",
    "%(name)s", "%s%s%s%n", "$1; SELECT pg_sleep(10)", "\\x00\\x27", "E'\\\\'",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>fet</b> & <i>&amp;</i>",
    "javascript:alert(1)", "<iframe src=//evil.example>", "]]><!--", "&#x3C;script&#x3E;",
    "\u202eesrever\u202c text", "zero\u200bwidth\u200d\u2060joiner", "\ufeffBOM first",
    "RTL \u200fמה קורה\u200f עם ההזמנה", "عربي: أين طلبي؟", "emoji 😡📦🔥👍🏽👨‍👩‍👧",
    "combining e\u0301\u0301\u0301\u0301", "Zalgo t̸̢̛̛h̴̨̛e̷̢̛ ̵̧̛p̶̢̛a̷̧̛c̸̢̛k̵̨̛a̴̢̛g̵̨̛e̷̢̛",
    "line\rbreak\r\nmixed\nhere", "tab\tseparated\tvalues", "\u2028line separator\u2029",
    "null \u0000 in the middle", "\u0000", "surrogate-ish \udcff?", "ctrl \u0007\u001b[31m red",
    "", " ", "\n\n\t  \n", "\u00a0\u2003\u3000", "a" * 10_000, "ø" * 50_000,
    "Mitt kort 4111 1111 1111 1111 skickades till fel adress",
    "personnummer 19811218-9876 order 123456", "IBAN DK50 0040 0440 1162 43",
]
NAMES = [
    "{{ 7*7 }} Svensson", "{% for %}", "'; DROP TABLE customers; --", "<script>x</script>",
    "A" * 10_000, "Å" * 10_000, "\u202eAnna\u202c", "Ann\u200ba", "😀 Smiley", "", " ",
    "null\u0000name", "Робот Тестович", "王小明", "O'Brien; --", "Anna\nAndersson",
]


def lines() -> list[tuple[str, bytes]]:
    """(category, raw line bytes) of every JSONL case."""
    out: list[tuple[str, bytes]] = []
    base = {"channel": "facebook", "thread_id": None, "parent_id": "post-1",
            "created_at": "2026-11-21T09:00:00+01:00", "url": None,
            "rating": None, "order_ref": None, "raw": {}}
    n = 0

    def add(category: str, obj: object) -> None:
        nonlocal n
        n += 1
        if isinstance(obj, dict) and "external_id" not in obj:
            obj = {**obj, "external_id": f"h{n}"}
        try:
            raw = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: valid JSON only as a \u escape
            raw = json.dumps(obj).encode("ascii")
        out.append((category, raw))

    channels = ("facebook", "x", "trustpilot", "google", "email")
    for i, text in enumerate(INJECTIONS):
        ch = channels[i % len(channels)]
        add("text", {**base, "channel": ch, "text": text,
                     "author": {"id": f"a{i}", "name": "Hostile Tester", "handle": None,
                                "email": f"h{i}@example.com" if ch == "email" else None},
                     "rating": 1 if ch in ("trustpilot", "google") else None})
    for i, name in enumerate(NAMES):
        add("name", {**base, "text": "Mitt paket har inte kommit, vad händer med ordern?",
                     "author": {"id": f"n{i}", "name": name, "handle": name[:50],
                                "email": None}})
        add("name-email", {**base, "channel": "email",
                           "text": "Hej, var är mitt paket? Ingen svarar.",
                           "author": {"name": name, "email": f"name{i}@example.com"}})
    for i, text in enumerate(INJECTIONS[:20]):  # injections in raw, ids, urls, subjects
        add("raw", {**base, "text": "Hej", "raw": {"payload": text, text[:20] or "k": [text]},
                    "author": {"id": f"r{i}"}})
        add("url-subject", {**base, "channel": "email", "text": "Hej, paketet?",
                            "subject": text, "url": f"https://x.example/{text}",
                            "author": {"email": f"s{i}@example.com", "name": "S"}})
    for ext in ["'; DROP TABLE messages; --", "{{7*7}}", "\u202eid", "a" * 5000, " id "]:
        add("external_id", {**base, "text": "Hej", "external_id": ext, "author": {"id": "e"}})
    bad_json = [b'{"channel": "email"', b"[1, 2, 3]", b'"just a string"', b"null", b"42",
                b"{'single': 'quotes'}", b'{"channel": "facebook",}', b"{" * 2000,
                b'{"a": NaN}', b'{"text": "\\ud800"}', b"\x00\x00\x00",
                b'{"channel": "facebook", "external_id": "dup", "external_id": "dup2"}',
                b"<html>not json</html>", b"\xef\xbb\xbf{}"]
    for raw in bad_json:
        out.append(("bad-json", raw))
    wrong = [
        {**base, "channel": "myspace", "text": "x", "external_id": "w1"},
        {**base, "text": "x", "external_id": "w2", "created_at": "yesterday"},
        {**base, "text": "x", "external_id": "w3", "created_at": "2026-11-21T09:00:00"},
        {**base, "text": "x", "external_id": "w4", "rating": 11},
        {**base, "text": "x", "external_id": "w5", "rating": "5"},
        {**base, "text": "x", "external_id": "w6", "public": "yes"},
        {**base, "text": "x", "external_id": "w7", "raw": [1, 2]},
        {**base, "text": "x", "external_id": "w8", "author": "Anna"},
        {**base, "text": "x", "external_id": "w9", "author": {"name": ["A", "B"]}},
        {**base, "text": 12345, "external_id": "w10"},
        {**base, "text": None, "external_id": "w11"},
        {**base, "text": "x", "external_id": ""},
        {**base, "text": "x", "external_id": "w13", "unexpected": True},
        {**base, "text": {"nested": "object"}, "external_id": "w14"},
        {**base, "text": "x", "external_id": "w15", "created_at": "9999-99-99T00:00:00Z"},
        {**base, "text": "x", "external_id": "w16", "created_at": 1732176000},
        {**base, "text": "x", "external_id": "w17", "rating": True},
        {**base, "text": "x", "external_id": "w18", "thread_id": ["t"]},
    ]
    for obj in wrong:
        add("wrong-field", obj)
    return out


def charset_files() -> dict[str, bytes]:
    """Files in a wrong charset: ``carecase import`` stops at the first line that is not
    UTF-8 (importer.py: the position is lost), so each is a file of its own."""
    good = {"channel": "facebook", "created_at": "2026-11-21T09:00:00+01:00",
            "author": {"id": "enc"}}
    out = {}
    for enc in ("latin-1", "cp1252", "utf-16", "koi8-r"):
        text = json.dumps({**good, "text": "Hej, vart är mitt paket? Örebro",
                           "external_id": f"enc-{enc}"}, ensure_ascii=False)
        try:
            out[f"charset_{enc}.jsonl"] = text.encode(enc) + b"\n"
        except UnicodeEncodeError:
            out[f"charset_{enc}.jsonl"] = text.replace("ä", "я").replace("Ö", "Ж") \
                .encode(enc) + b"\n"
    return out


def emails() -> dict[str, bytes]:
    """name -> raw bytes of hostile e-mails."""
    crlf = b"\r\n"

    def msg(headers: list[str], body: bytes, i: int) -> bytes:
        head = [h.encode("utf-8", "surrogateescape") for h in headers]
        if not any(h.lower().startswith("message-id") for h in headers):
            head.append(f"Message-ID: <hostile{i}@example.com>".encode())
        return crlf.join(head) + crlf + crlf + body

    std = ["From: Hostile <hostile@example.com>", "To: care@nordhem.example",
           "Date: Fri, 21 Nov 2026 09:00:00 +0100"]
    cases: dict[str, bytes] = {}
    i = 0
    for text in INJECTIONS[:24]:
        i += 1
        cases[f"text_{i:02d}.eml"] = msg(
            [*std, "Subject: Paket", "Content-Type: text/plain; charset=utf-8",
             "Content-Transfer-Encoding: 8bit"], text.encode("utf-8", "surrogatepass"), i)
    specials = {
        "html_script.eml": ([*std, "Subject: html", "Content-Type: text/html; charset=utf-8"],
                            b"<html><body><script>alert(1)</script><p>{{ 7*7 }} paket?</p>"
                            b"<img src=x onerror=alert(1)></body></html>"),
        "bad_boundary.eml": ([*std, "Subject: mp", "MIME-Version: 1.0",
                              'Content-Type: multipart/mixed; boundary="nope"'],
                             b"--other\r\nContent-Type: text/plain\r\n\r\nhej\r\n--other--"),
        "no_boundary.eml": ([*std, "Subject: mp", "Content-Type: multipart/alternative"],
                            b"just text"),
        "unclosed_multipart.eml": ([*std, "Subject: mp",
                                    'Content-Type: multipart/mixed; boundary="b"'],
                                   b"--b\r\nContent-Type: text/plain\r\n\r\nhej"),
        "bad_base64.eml": ([*std, "Subject: b64", "Content-Type: text/plain; charset=utf-8",
                            "Content-Transfer-Encoding: base64"], b"!!!not base64 at all==="),
        "bad_qp.eml": ([*std, "Subject: qp", "Content-Transfer-Encoding: quoted-printable"],
                       b"=ZZ=4=\r\nhej =C3"),
        "latin1_as_utf8.eml": ([*std, "Subject: charset", "Content-Type: text/plain; "
                                "charset=utf-8"], "Vart är mitt paket?".encode("latin-1")),
        "utf8_as_ascii.eml": ([*std, "Subject: charset", "Content-Type: text/plain; "
                               "charset=us-ascii"], "Hvor er min pakke? Ø".encode()),
        "bogus_charset.eml": ([*std, "Subject: charset", "Content-Type: text/plain; "
                               "charset=x-klingon-42"], b"Qapla'"),
        "utf16_body.eml": ([*std, "Subject: utf16", "Content-Type: text/plain; "
                            "charset=utf-16"], "Hej paket".encode("utf-16")),
        "rfc2047_bad.eml": ([*std[1:], "From: =?utf-8?B?!!!?= <x@example.com>",
                             "Subject: =?x-unknown?Q?=FF=FE?="], b"hej"),
        "null_in_headers.eml": ([*std, "Subject: nul\x00byte"], b"body\x00with nul"),
        "no_from.eml": (["To: care@nordhem.example", "Subject: anonymous"], b"who am I"),
        "no_headers.eml": ([], b"no headers at all, only a body"),
        "empty.eml": ([], b""),
        "whitespace_body.eml": ([*std, "Subject: blank"], b"   \r\n\t\r\n   "),
        "huge_header.eml": ([*std, "Subject: " + "A" * 20_000], b"hej"),
        "many_headers.eml": ([*std, *[f"X-Junk-{k}: {k}" for k in range(3000)],
                              "Subject: junk"], b"hej"),
        "long_name.eml": (["From: " + "N" * 10_000 + " <long@example.com>", *std[1:],
                           "Subject: long"], b"Mitt paket?"),
        "injection_headers.eml": ([*std[1:], "From: {{7*7}} <inj@example.com>",
                                   "Subject: '; DROP TABLE messages; --"], b"{% for %}"),
        "rtl_from.eml": ([*std[1:], "From: \u202eevil\u202c <rtl@example.com>",
                          "Subject: rtl"], "\u202e paket".encode()),
        "deep_nesting.eml": ([*std, "Subject: deep", 'Content-Type: multipart/mixed; '
                              'boundary="b0"'], b"".join(
            f'--b{k}\r\nContent-Type: multipart/mixed; boundary="b{k + 1}"\r\n\r\n'.encode()
            for k in range(60)) + b"--b60\r\nContent-Type: text/plain\r\n\r\ndeep\r\n"),
        "binary_garbage.eml": ([*std, "Subject: bin", "Content-Type: application/"
                                "octet-stream"], bytes(range(256)) * 4),
        "crlf_injection.eml": ([*std, "Subject: a\r\nBcc: victim@example.com"], b"hej"),
        "dup_message_id.eml": ([*std, "Subject: dup", "Message-ID: <dup@example.com>",
                                "Message-ID: <dup2@example.com>"], b"hej"),
        "bad_date.eml": ([*std[:2], "Date: not a date at all", "Subject: date"], b"hej"),
        "future_date.eml": ([*std[:2], "Date: Fri, 21 Nov 9999 09:00:00 +0100",
                             "Subject: future"], b"hej"),
        "emoji_subject.eml": ([*std, "Subject: =?utf-8?B?8J+YoSDwn5Om?="], "😡📦".encode()),
    }
    for name, (headers, body) in specials.items():
        i += 1
        cases[name] = msg(headers, body, i) if headers else body
    return cases


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    cases = lines()
    (HERE / "lines.jsonl").write_bytes(b"\n".join(raw for _, raw in cases) + b"\n")
    (HERE / "cases.json").write_text(json.dumps([c for c, _ in cases], indent=0) + "\n")
    for old in [*HERE.glob("*.eml"), *HERE.glob("charset_*.jsonl")]:
        old.unlink()
    for name, raw in charset_files().items():
        (HERE / name).write_bytes(raw)
    for name, raw in emails().items():
        (HERE / name).write_bytes(raw)
    print(f"{len(cases)} lines, {len(charset_files())} charset files, {len(emails())} "
          f"e-mails in {HERE}")


if __name__ == "__main__":
    main()
