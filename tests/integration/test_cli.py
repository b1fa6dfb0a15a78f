"""The `carecase` command as users and scripts run it: a real process, a real database."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

LINES = [
    {"channel": "email", "external_id": "m1@mail.example", "thread_id": "m1@mail.example",
     "parent_id": None, "author": {"id": None, "name": "Anna Andersson", "handle": None,
                                   "email": "anna.andersson@example.se"},
     "text": "Hej, mitt paket med order 123456 har inte kommit. Vad händer?",
     "created_at": "2026-11-21T08:05:00+01:00", "public": False, "url": None, "rating": None,
     "order_ref": None, "raw": {}},
    {"channel": "facebook", "external_id": "111_222", "thread_id": "111_222",
     "parent_id": "111", "author": {"id": "9001", "name": "Anna Andersson", "handle": None,
                                    "email": None},
     "text": "Order 123456 har fortfarande inte kommit, jag har mejlat er också!",
     "created_at": "2026-11-21T08:40:00+01:00", "public": True, "url": None, "rating": None,
     "order_ref": None, "raw": {}},
    {"channel": "google", "external_id": "g-1", "author": {"name": "Jens Holm"},
     "text": "Elendig kundeservice, ingen svarer på telefonen.",
     "created_at": "2026-11-21T10:00:00Z", "public": True, "rating": 1},
]


def run(env: dict[str, str], *args: str, cwd: Path | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess:
    full = {**{k: v for k, v in os.environ.items() if not k.startswith("CARECASE_")}, **env}
    return subprocess.run([sys.executable, "-m", "carecase.cli", *args], env=full, cwd=cwd,
                          input=stdin, capture_output=True, text=True, timeout=120)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    bad = ['{"channel": "email"', '[1, 2]', json.dumps({**LINES[0], "channel": "myspace"}),
           json.dumps({**LINES[0], "external_id": "zz", "created_at": "2026-11-21T08:05:00"}),
           json.dumps({**LINES[0], "external_id": "yy", "rating": 9})]
    path.write_text("\n".join([json.dumps(LINES[0]), *bad, json.dumps(LINES[1]), "",
                               json.dumps(LINES[2])]) + "\n")
    return path


def test_import_then_list_and_show_as_json(settings_env, sample):
    result = run(settings_env, "import", str(sample))
    assert result.returncode == 0, result.stderr
    # each bad line is named with its number and reason, the rest imported
    assert "in.jsonl:2: skipped: not valid JSON" in result.stderr
    assert "in.jsonl:3: skipped: expected a JSON object" in result.stderr
    assert "in.jsonl:4: skipped: channel 'myspace'" in result.stderr
    assert "in.jsonl:5: skipped: created_at" in result.stderr and "time zone" in result.stderr
    assert "in.jsonl:6: skipped: rating must be" in result.stderr

    listed = run(settings_env, "cases", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    cases = json.loads(listed.stdout)
    assert len(cases) == 2  # Anna's e-mail and Facebook comment are one case (order 123456)
    anna = next(c for c in cases if c["customer"] == "Anna Andersson")
    shown = json.loads(run(settings_env, "cases", "show", str(anna["id"]), "--json").stdout)
    assert set(shown) >= {"id", "status", "customer", "messages", "events", "opened_at",
                          "first_response_at", "closed_at"}
    assert {"kind": "email", "value": "anna.andersson@example.se"} in \
        shown["customer"]["identities"]
    assert [m["channel"] for m in shown["messages"]] == ["email", "facebook"]
    assert set(shown["messages"][0]) >= {"channel", "external_id", "created_at", "public",
                                         "text"}
    merged = [e for e in shown["events"] if e["kind"] == "merged"]
    assert merged and merged[0]["detail"]["evidence"]  # the merge carries its evidence

    open_only = json.loads(run(settings_env, "cases", "list", "--status", "open",
                               "--json").stdout)
    assert len(open_only) == 2
    # the tables give times as the team reads them: in the business's zone (08:05+01:00)
    table = run(settings_env, "cases", "list").stdout
    assert "2026-11-21 08:05" in table and "times in Europe/Stockholm" in table
    shown_text = run(settings_env, "cases", "show", str(anna["id"])).stdout
    assert "2026-11-21 08:05 in email" in shown_text and "2026-11-21 08:40 in facebook" \
        in shown_text


def test_cases_list_says_when_more_cases_exist_than_it_shows(settings_env, sample):
    """`cases list` stopped at 1000 cases without a word; --limit sets how many, and a
    line on stderr says when there are more (the --json output stays a plain list)."""
    assert run(settings_env, "import", str(sample)).returncode == 0  # two cases
    first = run(settings_env, "cases", "list", "--limit", "1", "--json")
    assert first.returncode == 0, first.stderr
    [case] = json.loads(first.stdout)
    assert case["id"] == min(c["id"] for c in json.loads(
        run(settings_env, "cases", "list", "--json").stdout))  # the oldest first
    assert first.stderr == "showing the first 1 of 2 cases: use --limit 2 to see them all\n"
    table = run(settings_env, "cases", "list", "--limit", "1")
    assert table.returncode == 0 and "showing the first 1 of 2 cases" in table.stderr
    assert "times in" in table.stdout and "showing" not in table.stdout
    every = run(settings_env, "cases", "list", "--limit", "2", "--json")
    assert len(json.loads(every.stdout)) == 2 and every.stderr == ""
    refused = run(settings_env, "cases", "list", "--limit", "0")
    assert refused.returncode == 2 and "greater than or equal to 1" in refused.stderr


def test_import_dash_reads_standard_input(settings_env, sample):
    """`carecase import -` said "file '-' does not exist"."""
    result = run(settings_env, "import", "-", "--batch-size", "2",
                 stdin=sample.read_text())
    assert result.returncode == 0, result.stderr
    assert "<stdin>:2: skipped: not valid JSON" in result.stderr
    assert "<stdin>:6: skipped: rating must be" in result.stderr
    assert len(json.loads(run(settings_env, "cases", "list", "--json").stdout)) == 2
    for path, problem in ((sample.with_name("nope.jsonl"), "does not exist"),
                          (sample.parent, "is a directory")):
        refused = run({**settings_env, "COLUMNS": "300"}, "import", str(path))
        assert refused.returncode == 2 and f"file '{path}' {problem}" in refused.stderr


def test_import_warns_of_lines_back_in_time_in_good_english(settings_env, tmp_path):
    """ "1 lines were older than a line before them" """
    path = tmp_path / "late.jsonl"
    path.write_text(json.dumps(LINES[1]) + "\n" + json.dumps(LINES[0]) + "\n")
    one = run(settings_env, "import", str(path))
    assert one.returncode == 0, one.stderr
    assert "\n1 line was older than a line before it: each batch of 500 is decided" in \
        one.stderr
    path.write_text("\n".join(json.dumps(line) for line in (LINES[2], LINES[1], LINES[0])))
    two = run(settings_env, "import", str(path))
    assert "\n2 lines were older than a line before them: each batch" in two.stderr


def test_importing_the_same_file_twice_changes_nothing(settings_env, sample):
    assert run(settings_env, "import", str(sample)).returncode == 0
    before = run(settings_env, "cases", "list", "--json").stdout
    again = run(settings_env, "import", str(sample))
    assert again.returncode == 0
    assert "duplicates" in again.stdout
    assert run(settings_env, "cases", "list", "--json").stdout == before


def test_db_upgrade_writes_keys_an_older_version_wrote_anew(settings_env, sample,
                                                           database_url):
    import psycopg

    assert run(settings_env, "import", str(sample)).returncode == 0
    with psycopg.connect(database_url, autocommit=True) as conn:  # as an older carecase
        conn.execute("UPDATE customers SET profile = profile || '{\"keys\": 2}'")
        conn.execute("UPDATE key_index SET version = 2")
    upgraded = run(settings_env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "blocking keys written anew for 2 customers" in upgraded.stdout
    again = run(settings_env, "db", "upgrade")
    assert "nothing to apply" in again.stdout and "written anew" not in again.stdout


def test_what_customers_wrote_is_printed_as_written_never_as_markup(settings_env, tmp_path):
    """The text read-outs print data: a name with rich markup or an emoji code in it, and
    an outbox key such as "ack:x:555", come out as they are (a name with "[/]" made
    `cases list` and `cases show` fail with rich's MarkupError)."""
    name = "[/] Bo :x: [bold]Berg"
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps({
        "channel": "x", "external_id": "555", "thread_id": "555",
        "author": {"id": "77", "name": name, "handle": "boberg"},
        "text": "Min beställning kom trasig och ingen svarar, jag vill ha pengarna tillbaka!",
        "created_at": "2026-11-21T10:00:00Z", "public": True}) + "\n")
    assert run(settings_env, "import", str(path)).returncode == 0
    wide = {**settings_env, "COLUMNS": "200"}  # the table shows the name on one line
    listed = run(wide, "cases", "list")
    assert listed.returncode == 0, listed.stderr
    assert name in listed.stdout
    shown = run(wide, "cases", "show", "1")
    assert shown.returncode == 0, shown.stderr
    assert f"customer {name} (" in shown.stdout
    assert "outbox ack:x:555:" in shown.stdout and "\u274c" not in shown.stdout


def test_control_characters_customers_wrote_never_reach_the_terminal(settings_env,
                                                                     tmp_path):
    """A name or text with terminal escapes (clear the screen, retitle the window, a
    link to anywhere, C1's one-byte CSI) was printed raw by the read-outs; now every C0
    and C1 control character is shown as \\xNN and a line break as a space. --json
    gives the same strings back, escaped (json.dumps left DEL and C1 raw)."""
    name = "Eve \x1b[2J\x1b[H\x1b]8;;http://evil.example\x07klick\x1b]8;;\x07 \x9b31mHacker"
    text = "Mitt paket har inte kommit!\n\x1b]0;PWNED\x07 \x1b[31mRÖD\x1b[0m\x7f"
    path = tmp_path / "esc.jsonl"
    path.write_text(json.dumps({"channel": "facebook", "external_id": "esc1", "text": text,
                                "created_at": "2026-03-07T10:00:00+01:00",
                                "author": {"id": "6666", "name": name}}) + "\n")
    assert run(settings_env, "import", str(path)).returncode == 0
    wide = {**settings_env, "COLUMNS": "300"}  # each table row on one line
    raw = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # all but the line ends
    for args in (("cases", "list"), ("cases", "show", "1"), ("messages", "list"),
                 ("cases", "list", "--json"), ("cases", "show", "1", "--json"),
                 ("messages", "list", "--json")):
        shown = run(wide, *args)
        assert shown.returncode == 0, shown.stderr
        assert not raw.search(shown.stdout), (args, raw.findall(shown.stdout))
    assert "Eve \\x1b[2J\\x1b[H\\x1b]8;;http://evil.example\\x07klick" in \
        run(wide, "cases", "list").stdout
    assert "customer Eve \\x1b[2J\\x1b[H" in run(wide, "cases", "show", "1").stdout
    listed = run(wide, "messages", "list").stdout
    assert "kommit! \\x1b]0;PWNED\\x07 \\x1b[31mRÖD\\x1b[0m\\x7f" in listed
    assert "\\x9b31mHacker" in listed
    [msg] = json.loads(run(wide, "messages", "list", "--json").stdout)
    assert (msg["author"], msg["text"]) == (name, text)  # the data itself is untouched


def test_unknown_case_status_channel_and_bad_numbers_are_clear_errors(settings_env, sample):
    shown = run(settings_env, "cases", "show", "999", "--json")
    assert shown.returncode == 1 and "there is no case 999" in shown.stderr
    listed = run(settings_env, "cases", "list", "--status", "bogus")
    assert listed.returncode == 1 and "status 'bogus' is not one of" in listed.stderr
    dated = run(settings_env, "status-updates", "--date", "2026-13-01")
    assert dated.returncode == 1 and "Traceback" not in dated.stderr, dated.stderr[-600:]
    assert "--date '2026-13-01' is not a date (YYYY-MM-DD)" in dated.stderr
    polled = run(settings_env, "ingest", "--channel", "myspace")
    assert polled.returncode == 1 and "Traceback" not in polled.stderr, polled.stderr[-600:]
    assert "there is no channel 'myspace': the channels are email, facebook" in polled.stderr
    disabled = run(settings_env, "ingest", "--channel", "facebook")  # none is enabled here
    assert disabled.returncode == 1 and "Traceback" not in disabled.stderr, disabled.stderr
    assert "channel 'facebook' is not enabled: set enabled = true under " \
        "[channels.facebook]" in disabled.stderr
    kind = run(settings_env, "messages", "list", "--kind", "bogus", "--json")
    assert kind.returncode == 1 and kind.stdout == "", kind.stdout  # no [] as if none
    assert kind.stderr == "carecase: kind 'bogus' is not one of complaint, question, " \
        "praise, other\n"
    for args in (("import", str(sample), "--batch-size", "0"), ("dispatch", "--limit", "-1")):
        refused = run(settings_env, *args)  # a usage error (2), before any work is done
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr
        assert "greater than or equal to 1" in refused.stderr


def test_lines_that_would_fail_later_are_skipped_and_the_rest_imported(settings_env,
                                                                     database_url, tmp_path):
    """Each of these passed the line's checks and then failed the whole import (or its
    batch) in a later step: OverflowError near year 1 or 9999, PostgreSQL refusing NaN,
    RecursionError in the cleaning. A byte-order mark lost line 1, and an author's
    fields beyond the shape were dropped without a word."""
    def line(n: int, **fields) -> str:
        return json.dumps({**LINES[0], "external_id": f"e{n}", "thread_id": f"e{n}",
                           "author": {"email": f"kund{n}@example.se"}, **fields})

    deep = line(7)[:-1] + ', "raw": ' + '{"a": ' * 900 + "1" + "}" * 900 + "}"
    path = tmp_path / "in.jsonl"
    path.write_text("\ufeff" + "\n".join([
        line(1), line(2, created_at="9999-12-31T23:59:59-12:00"),
        line(3, created_at="0001-01-01T02:30:00+01:00"),
        line(4, created_at="9999-12-31T23:00:00+00:00"),
        line(5)[:-1] + ', "raw": {"score": NaN}}', line(6)[:-1] + ', "score": Infinity}',
        deep, line(8, label="person-8", author={"email": "kund8@example.se",
                                                "phone": "+46701112233", "crm_id": "C-77"}),
    ]) + "\n", encoding="utf-8")
    result = run(settings_env, "import", str(path), "--batch-size", "2")
    assert result.returncode == 0, result.stderr[-2000:]
    for number in (2, 3, 4):
        assert f"in.jsonl:{number}: skipped: created_at '" in result.stderr
    assert "in.jsonl:5: skipped: not valid JSON: NaN is no JSON value" in result.stderr
    assert "in.jsonl:6: skipped: not valid JSON: Infinity is no JSON value" in result.stderr
    assert "in.jsonl:7: skipped: nested more than 64 levels deep" in result.stderr
    assert "in.jsonl:8: 'author.crm_id', 'author.phone', 'label' not part of the import " \
        "shape: kept in raw._extra" in result.stderr
    assert "in.jsonl:1:" not in result.stderr and "Traceback" not in result.stderr
    import psycopg

    with psycopg.connect(database_url) as conn:
        stored = dict(conn.execute("SELECT external_id, raw FROM messages").fetchall())
    assert sorted(stored) == ["e1", "e8"]
    assert stored["e8"]["_extra"] == {"label": "person-8", "author": {
        "crm_id": "C-77", "phone": "+46701112233"}}


def test_an_agent_records_the_address_a_reviewer_gave_on_the_phone(settings_env, sample):
    assert run(settings_env, "import", str(sample)).returncode == 0
    jens = next(c for c in json.loads(run(settings_env, "cases", "list", "--json").stdout)
                if c["customer"] == "Jens Holm")
    noted = run(settings_env, "cases", "note", str(jens["id"]), "Ny sko sendt", "--for-customer")
    assert noted.returncode == 0 and "has no private channel" in noted.stderr  # told, kept
    added = run(settings_env, "cases", "contact", str(jens["id"]), "--email",
                "Jens.Holm@Example.dk", "--phone", "20 12 34 56")
    assert added.returncode == 0, added.stderr
    noted = run(settings_env, "cases", "note", str(jens["id"]), "Ny sko sendt", "--for-customer")
    assert noted.returncode == 0 and noted.stderr == ""
    assert "email jens.holm@example.dk, phone +4520123456" in added.stdout
    shown = json.loads(run(settings_env, "cases", "show", str(jens["id"]), "--json").stdout)
    assert {"kind": "email", "value": "jens.holm@example.dk"} in shown["customer"]["identities"]
    taken = run(settings_env, "cases", "contact", str(jens["id"]), "--email",
                "anna.andersson@example.se")
    assert taken.returncode == 1 and "already another customer's" in taken.stderr


def test_an_agent_sets_a_cases_language_to_one_carecase_writes_in(settings_env, sample):
    assert run(settings_env, "import", str(sample)).returncode == 0
    refused = run(settings_env, "cases", "set", "1", "--language", "de")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
    assert "carecase: language 'de' is not one carecase writes in: give one of da (Danish), " \
        "sv (Swedish), nb (Norwegian), en (English)\n" in refused.stderr
    chosen = run(settings_env, "cases", "set", "1", "--language", "en")
    assert chosen.returncode == 0, chosen.stderr
    shown = json.loads(run(settings_env, "cases", "show", "1", "--json").stdout)
    assert shown["language"] == "en"
    assert {"kind": "updated", "actor": "agent", "detail": {"language": "en"}} in \
        [{k: e[k] for k in ("kind", "actor", "detail")} for e in shown["events"]]


def test_an_empty_fault_sets_it_back_to_unknown(settings_env, sample):
    """README says "" clears a field; `--fault ""` was refused as no fault."""
    assert run(settings_env, "import", str(sample)).returncode == 0
    assert run(settings_env, "cases", "set", "1", "--fault", "ours").returncode == 0
    assert json.loads(run(settings_env, "cases", "show", "1", "--json").stdout)["fault"] \
        == "ours"
    cleared = run(settings_env, "cases", "set", "1", "--fault", "")
    assert cleared.returncode == 0, cleared.stderr
    assert json.loads(run(settings_env, "cases", "show", "1", "--json").stdout)["fault"] \
        == "unknown"
    helped = run({**settings_env, "COLUMNS": "200"}, "cases", "set", "--help")
    assert '"" sets it back to unknown' in helped.stdout


def test_incidents_list_json_gives_iso_8601_times(settings_env, sample):
    """It printed "2026-12-06 13:47:39.288501+00:00" (str) where the other read-outs
    give ISO 8601."""
    assert run(settings_env, "import", str(sample)).returncode == 0
    listed = run(settings_env, "incidents", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [incident] = json.loads(listed.stdout)
    assert incident["key"] == "courier-2026-11-21" and "T" in incident["created_at"]
    assert datetime.fromisoformat(incident["created_at"]).tzinfo is not None


def test_an_announcement_at_a_time_without_a_zone_is_in_the_businesss_zone(settings_env,
                                                                        database_url):
    """--at 2026-12-24T18:00 was refused with "give the time with its zone"."""
    import psycopg

    wide = {**settings_env, "COLUMNS": "200"}  # the line unwrapped
    made = run(wide, "announce", "facebook", "Vi är på TV ikväll!", "--at",
               "2026-12-24T18:00")
    assert made.returncode == 0, made.stderr
    assert "for 2026-12-24T18:00:00+01:00: dispatch posts it then" in made.stdout
    again = run(wide, "announce", "facebook", "Vi är på TV ikväll!", "--at",
                "2026-12-24T18:00")
    assert again.stdout == made.stdout  # scheduled twice: one post
    zoned = run(wide, "announce", "x", "Vi är på TV ikväll!", "--at", "2026-12-24T18:00Z")
    assert zoned.returncode == 0 and "for 2026-12-24T18:00:00+00:00" in zoned.stdout
    with psycopg.connect(database_url) as conn:
        posts = conn.execute("SELECT channel, not_before FROM outbox ORDER BY id").fetchall()
    assert posts == [("facebook", datetime(2026, 12, 24, 17, tzinfo=UTC)),
                     ("x", datetime(2026, 12, 24, 18, tzinfo=UTC))]
    helped = run(wide, "announce", "--help")
    assert "without a zone" in helped.stdout and "business.timezone" in helped.stdout


def test_the_log_level_is_taken_in_any_case_and_a_bad_one_is_one_line(tmp_path):
    """CARECASE_LOG_LEVEL=debug, or a bad value, was a ValueError traceback before any
    command ran."""
    env = {"CARECASE_HOME": str(tmp_path), "CARECASE_CONFIG": str(_config(tmp_path))}
    lower = run({**env, "CARECASE_LOG_LEVEL": "debug"}, "--help")
    assert lower.returncode == 0 and "Traceback" not in lower.stderr, lower.stderr
    bad = run({**env, "CARECASE_LOG_LEVEL": "loud"}, "--help")
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr == "carecase: CARECASE_LOG_LEVEL: 'loud' is not a log level: use " \
        "debug, info, warning, error or critical\n"


def test_an_agent_opens_a_case_for_a_comment_left_without_one(settings_env, tmp_path):
    path = tmp_path / "sarcasm.jsonl"
    path.write_text(json.dumps({**LINES[1], "external_id": "111_900", "thread_id": "111_900",
                                "text": "Wow. Bara wow. 3 veckor."}) + "\n")
    assert run(settings_env, "import", str(path)).returncode == 0
    assert json.loads(run(settings_env, "cases", "list", "--json").stdout) == []
    listed = run(settings_env, "messages", "list", "--without-case", "--json")
    assert listed.returncode == 0, listed.stderr
    [left] = json.loads(listed.stdout)
    assert (left["channel"], left["external_id"], left["kind"]) == ("facebook", "111_900",
                                                                     "other")
    opened = run(settings_env, "cases", "open", "facebook:111_900", "--agent", "Lisa")
    assert opened.returncode == 0, opened.stderr
    assert "facebook:111_900 opened case" in opened.stdout
    [case] = json.loads(run(settings_env, "cases", "list", "--json").stdout)
    shown = json.loads(run(settings_env, "cases", "show", str(case["id"]), "--json").stdout)
    assert {o["key"].split(":")[0] for o in shown["outbox"]} == {"ack", "private-ack"}
    again = run(settings_env, "cases", "open", "facebook:111_900")
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert f"is already in case {case['id']}" in again.stderr
    for args, error in ((("cases", "open", "111_900"), "names no message"),
                        (("cases", "open", "facebook:111_900", "--kind", "praise"),
                         "kind 'praise' is not one of"),
                        (("messages", "list", "--channel", "myspace"), "channel 'myspace'")):
        refused = run(settings_env, *args)
        assert refused.returncode == 1 and error in refused.stderr, refused.stderr
    table = run(settings_env, "messages", "list")
    assert "facebook:111_900" in table.stdout and "Wow." in table.stdout


def test_embedded_database_starts_from_nothing_in_a_fresh_home(tmp_path, sample):
    home = tmp_path / "fresh-home"
    env = {"CARECASE_HOME": str(home), "CARECASE_CONFIG": str(_config(tmp_path))}
    upgraded = run(env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert (home / "pgdata" / "PG_VERSION").exists()
    assert run(env, "import", str(sample)).returncode == 0
    assert len(json.loads(run(env, "cases", "list", "--json").stdout)) == 2
    # the server is stopped when the last carecase process exits: clean state
    assert not (home / "pgdata" / "postmaster.pid").exists()


def test_bad_config_names_the_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[care]\nfirst_response_minutes = "soon"\n')
    result = run({"CARECASE_CONFIG": str(path), "CARECASE_HOME": str(tmp_path)}, "cases",
                 "list")
    assert result.returncode == 1
    assert "care.first_response_minutes" in result.stderr
    # a token set where carecase expects the name of its variable is never echoed
    result = run({"CARECASE_CONFIG": str(_config(tmp_path)), "CARECASE_HOME": str(tmp_path),
                  "CARECASE_CHANNELS__FACEBOOK__TOKEN": "EAAB-s3cret"}, "cases", "list")
    assert result.returncode == 1 and "EAAB" not in result.stderr, result.stderr
    assert "CARECASE_CHANNELS__FACEBOOK__TOKEN: channels.facebook.token: " in result.stderr


def test_unreachable_database_url_fails_fast(tmp_path):
    env = {"CARECASE_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
           "CARECASE_HOME": str(tmp_path), "CARECASE_CONFIG": str(_config(tmp_path))}
    result = run(env, "cases", "list")
    assert result.returncode == 1
    assert "127.0.0.1:1/none" in result.stderr and "CARECASE_DATABASE_URL" in result.stderr
    assert not (tmp_path / "pgdata").exists()  # never starts an embedded server then
    for url in ("host=127.0.0.1 port=1 user=nobody password=s3cretpw dbname=none",
                "postgresql://nobody@127.0.0.1:1/none?password=s3cretpw"):
        result = run({**env, "CARECASE_DATABASE_URL": url}, "cases", "list")
        assert result.returncode == 1 and "password=***" in result.stderr, result.stderr
        assert "s3cretpw" not in result.stderr


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "carecase.toml"
    path.write_text('[business]\nname = "Nordic Shoes"\n')
    return path


def test_the_readme_names_every_command():
    """A newcomer learns the commands from the README: every one the program has is in
    its command-line list (a new command without a line there fails here)."""
    import re

    import typer.main

    from carecase.cli import app

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    listed = readme.split("## The command line", 1)[1].split("```")[1]
    root = typer.main.get_command(app)
    commands = [f"{group} {name}" for group, cmd in root.commands.items()
                for name in getattr(cmd, "commands", {})] + \
        [name for name, cmd in root.commands.items() if not hasattr(cmd, "commands")]
    missing = [c for c in commands
               if not re.search(rf"^carecase (?:.*\| )?{re.escape(c)}\b", listed, re.M)]
    assert len(commands) > 20 and missing == []
