"""Settings: file + environment, typed, secrets only by reference, errors that name the key."""

from __future__ import annotations

import logging
from datetime import time
from pathlib import Path

import pytest

from carecase import config
from carecase.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_example_file_is_valid_and_defaults_hold():
    s = config.load(ROOT / "carecase.example.toml", env={})
    assert s.business.timezone == "Europe/Stockholm"
    assert s.care.status_update_time == time(17, 0) and not s.care.weekdays_only
    assert s.care.ingest_every_seconds == 60
    assert list(s.channels.enabled()) == ["email"]
    assert (s.channels.trustpilot.edit_window_days, s.channels.trustpilot.edit_scan_minutes) \
        == (14, 30)
    assert s.database_url is None  # embedded unless CARECASE_DATABASE_URL is set


def test_environment_overrides_any_key_and_ignores_unrelated_variables(tmp_path):
    env = {"CARECASE_CARE__WEEKDAYS_ONLY": "true",
           "CARECASE_CHANNELS__EMAIL__IMAP_PORT": "1143",
           "CARECASE_DATABASE_URL": "postgresql://db.example/care",
           "CARECASE_HOME": str(tmp_path), "CARECASE_LOG_LEVEL": "DEBUG",
           "CARECASE_SOAK": "1"}
    s = config.load(env=env)
    assert s.care.weekdays_only is True and s.channels.email.imap_port == 1143
    assert s.database_url == "postgresql://db.example/care" and s.home == tmp_path


def test_a_list_is_set_from_the_environment_as_a_json_array(tmp_path):
    """README: every key can be overridden; care.account_patterns said "Input should be
    a valid tuple" whatever was written."""
    path = tmp_path / "carecase.toml"
    path.write_text('[care]\naccount_patterns = ["\\\\bOLD-\\\\d+\\\\b"]\n')
    assert config.load(path, env={}).care.account_patterns == (r"\bOLD-\d+\b",)
    var = "CARECASE_CARE__ACCOUNT_PATTERNS"  # as a shell sets it: '["\\bX-\\d+\\b"]'
    s = config.load(path, env={var: r'["\\bX-\\d+\\b", "KD\\d{6}"]'})
    assert s.care.account_patterns == (r"\bX-\d+\b", r"KD\d{6}")
    assert config.load(path, env={var: "[]"}).care.account_patterns == ()
    for bad, problem in ((r"\bX-\d+\b", "a list is written as a JSON array"),
                         ('"one"', "a list is written as a JSON array"),
                         ("[1, 2]", "Input should be a valid string")):
        with pytest.raises(ConfigError) as info:
            config.load(path, env={var: bad})
        assert str(info.value).startswith(f"{var}: care.account_patterns") and \
            problem in str(info.value)


@pytest.mark.parametrize("body,key", [
    ('[business]\ntimezone = "Mars/Olympus"\n', "business.timezone"),
    ('[care]\nstatus_update_time = "five o\'clock"\n', "care.status_update_time"),
    ('[channels.facebook]\nenabeld = true\n', "channels.facebook.enabeld"),
    ('[care]\nmoderation_action = "shred"\n', "care.moderation_action"),
    ('[care]\ningest_every_seconds = 5\n', "care.ingest_every_seconds"),
    ('[business]\nemail = "care.nordicshoes.example"\n', "business.email"),
    ('[channels.email]\nfrom_address = "care @nordicshoes.example"\n',
     "channels.email.from_address"),
    ('[channels.email]\nsmtp_port = 0\n', "channels.email.smtp_port"),
    ('[channels.email]\nimap_port = 99993\n', "channels.email.imap_port"),
    ('[channels.facebook]\nbase_url = "graph.facebook.com"\n', "channels.facebook.base_url"),
    ('[channels.trustpilot]\nedit_window_days = -1\n', "channels.trustpilot.edit_window_days"),
    ('[channels.trustpilot]\nedit_scan_minutes = -5\n',
     "channels.trustpilot.edit_scan_minutes"),
])
def test_a_bad_file_names_the_key(tmp_path, body, key):
    path = tmp_path / "carecase.toml"
    path.write_text(body)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        config.load(path, env={})


def test_a_bad_value_from_the_environment_names_the_variable_not_the_file(tmp_path):
    path = tmp_path / "carecase.toml"
    path.write_text('[business]\nemail = "care@nordicshoes.example"\n')
    with pytest.raises(ConfigError) as info:
        config.load(path, env={"CARECASE_CHANNELS__EMAIL__IMAP_PORT": "99993"})
    assert str(info.value).startswith("CARECASE_CHANNELS__EMAIL__IMAP_PORT: "
                                      "channels.email.imap_port: ")
    with pytest.raises(ConfigError) as info:
        config.load(path, env={"CARECASE_CARE__WEEKDAYS_ONLY": "true",
                               "CARECASE_BUSINESS__TIMEZONE": "Mars/Base"})
    assert str(info.value) == ("CARECASE_BUSINESS__TIMEZONE: business.timezone: unknown time "
                               "zone 'Mars/Base' (use an IANA name)")  # named once, not twice
    assert config.load(path, env={"CARECASE_BUSINESS__EMAIL": ""}).business.email == ""


@pytest.mark.parametrize("body,message", [
    ('[business]\ntimezone = "Mars/Olympus"\n',
     "business.timezone: unknown time zone 'Mars/Olympus' (use an IANA name)"),
    ('[business]\nemail = "care.example"\n',
     "business.email: 'care.example' is not an e-mail address"),
    ('[channels.x]\nbase_url = "api.x.com"\n',
     "channels.x.base_url: 'api.x.com' is not an http:// or https:// address"),
    # a message that does not name the value still gets it
    ('[care]\nmoderation_action = "shred"\n',
     "care.moderation_action: Input should be 'hide' or 'delete' (got 'shred')"),
    ('[channels.email]\nimap_port = 99993\n',
     "channels.email.imap_port: Input should be less than or equal to 65535 (got 99993)"),
])
def test_a_bad_value_is_named_once(tmp_path, body, message):
    """"unknown time zone 'Mars/Olympus' (use an IANA name) (got 'Mars/Olympus')": the
    value was repeated where the message already named it."""
    path = tmp_path / "carecase.toml"
    path.write_text(body)
    with pytest.raises(ConfigError) as info:
        config.load(path, env={})
    assert str(info.value) == f"{path}: {message}"


def test_a_misspelled_section_in_a_variable_is_an_error_as_a_misspelled_key_is(tmp_path):
    """CARECASE_CAER__WEEKDAYS_ONLY=true was ignored without a word."""
    env = {"CARECASE_HOME": str(tmp_path)}
    with pytest.raises(ConfigError) as info:
        config.load(env={**env, "CARECASE_CARE__WEEKDAYZ_ONLY": "true"})
    assert str(info.value).startswith("CARECASE_CARE__WEEKDAYZ_ONLY: care.weekdayz_only: ")
    with pytest.raises(ConfigError) as info:
        config.load(env={**env, "CARECASE_CAER__WEEKDAYS_ONLY": "true"})
    assert str(info.value) == (
        "CARECASE_CAER__WEEKDAYS_ONLY: there is no section 'caer': the sections are "
        "business, care, matching, channels (value not shown)")
    with pytest.raises(ConfigError) as info:  # its value may be a secret set by mistake
        config.load(env={**env, "CARECASE_CHANELS__FACEBOOK__TOKEN": "EAAB-s3cret"})
    assert str(info.value).startswith("CARECASE_CHANELS__FACEBOOK__TOKEN: ") and \
        "EAAB" not in str(info.value)


def test_variables_that_are_not_settings_still_work_beside_the_check(tmp_path):
    """Only CARECASE_<SECTION>__<KEY> is checked: the variables carecase and its tests
    read directly, a secret's own variable, and one a *_env setting names even with a
    double underscore in it are no section."""
    path = tmp_path / "carecase.toml"
    path.write_text('[channels.email]\npassword_env = "CARECASE_MAIL__PASSWORD"\n')
    env = {"CARECASE_CONFIG": str(path), "CARECASE_HOME": str(tmp_path),
           "CARECASE_DATABASE_URL": "postgresql://db.example/care",
           "CARECASE_LOG_LEVEL": "debug", "CARECASE_SOAK": "1", "CARECASE_REL_SEED": "7",
           "CARECASE_UPDATE_GOLDEN": "1", "CARECASE_IMAP_PASSWORD": "s3cret",
           "CARECASE_MAIL__PASSWORD": "s3cret", "CARECASE_CARE__WEEKDAYS_ONLY": "true"}
    s = config.load(env=env)
    assert s.source == str(path) and s.home == tmp_path and s.care.weekdays_only
    assert s.database_url == "postgresql://db.example/care"
    assert config.resolve_secret(s.channels.email, "password", env=env) == "s3cret"
    # named from the environment instead of the file
    path.write_text("")
    assert config.load(env={**env, "CARECASE_CHANNELS__EMAIL__PASSWORD_ENV":
                            "CARECASE_MAIL__PASSWORD"}).care.weekdays_only


@pytest.mark.parametrize(("value", "level"), [
    (None, logging.WARNING), ("", logging.WARNING), ("DEBUG", logging.DEBUG),
    ("debug", logging.DEBUG), ("Info", logging.INFO), (" error ", logging.ERROR),
    ("critical", logging.CRITICAL),
])
def test_the_log_level_is_read_in_any_case(value, level):
    """CARECASE_LOG_LEVEL=debug failed with a ValueError traceback before any command."""
    env = {} if value is None else {"CARECASE_LOG_LEVEL": value}
    assert config.log_level(env) == level


@pytest.mark.parametrize("value", ["loud", "10", "warn ing"])
def test_a_bad_log_level_names_the_variable_and_the_levels(value):
    with pytest.raises(ConfigError) as info:
        config.log_level({"CARECASE_LOG_LEVEL": value})
    assert str(info.value) == (f"CARECASE_LOG_LEVEL: {value!r} is not a log level: use "
                               "debug, info, warning, error or critical")


@pytest.mark.parametrize("env", [
    {"CARECASE_CHANNELS__FACEBOOK__TOKEN": "EAAB-s3cret"},  # the secret, not token_env
    {"CARECASE_CHANNELS__EMAIL__PASSWORD": "EAAB-s3cret"},
    {"CARECASE_CHANNELS__FACEBOOK": "EAAB-s3cret"},  # a whole section
])
def test_an_error_never_shows_a_value_that_may_be_a_secret(tmp_path, env):
    with pytest.raises(ConfigError) as info:
        config.load(env={"CARECASE_HOME": str(tmp_path), **env})
    [var] = env
    assert str(info.value).startswith(f"{var}: ") and "EAAB" not in str(info.value)
    assert str(info.value).endswith("(value not shown)")


def test_a_secret_in_the_file_is_not_shown_either(tmp_path):
    path = tmp_path / "carecase.toml"
    path.write_text('[channels.trustpilot]\napi_secret = "EAAB-s3cret"\n')
    with pytest.raises(ConfigError) as info:
        config.load(path, env={})
    assert "channels.trustpilot.api_secret: Extra inputs are not permitted (value not " \
        "shown)" in str(info.value) and "EAAB" not in str(info.value)
    path.write_text('[channels.facebook]\ntoken_env = 12345\n')  # known, named for one
    with pytest.raises(ConfigError) as info:
        config.load(path, env={})
    assert "channels.facebook.token_env" in str(info.value)
    assert "12345" not in str(info.value)


def test_invalid_toml_and_missing_file_are_clear(tmp_path):
    path = tmp_path / "carecase.toml"
    path.write_text("[care\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        config.load(path, env={})
    with pytest.raises(ConfigError, match="does not exist"):
        config.load(tmp_path / "nope.toml", env={})
    with pytest.raises(ConfigError, match="is not a file"):
        config.load(tmp_path, env={})


def test_a_byte_order_mark_is_read_past_and_other_encodings_are_named(tmp_path):
    path = tmp_path / "carecase.toml"
    path.write_bytes(b'\xef\xbb\xbf[business]\nname = "Sk\xc3\xb6na Skor"\n')  # Notepad
    assert config.load(path, env={}).business.name == "Sköna Skor"
    path.write_text('[business]\nname = "Sköna Skor"\n', encoding="utf-16")
    with pytest.raises(ConfigError, match=r"carecase\.toml: not UTF-8 text \(byte 0\): save it"):
        config.load(path, env={})


def test_secrets_are_references_resolved_at_run_time():
    section = config.FacebookChannel(token_env="FB_TOKEN", token_block="fb-token")
    assert config.resolve_secret(section, "token", env={"FB_TOKEN": "s3cret"}) == "s3cret"
    # not in the environment: the Secret block, through the loader the flows pass in
    loaded = config.resolve_secret(section, "token", env={},
                                   block_loader=lambda name: f"from {name}")
    assert loaded == "from fb-token"
    with pytest.raises(ConfigError, match="only be read inside a Prefect run"):
        config.resolve_secret(section, "token", env={})
    missing = config.FacebookChannel(token_env="FB_TOKEN")
    with pytest.raises(ConfigError) as info:
        config.resolve_secret(missing, "token", env={})
    assert "FB_TOKEN" in str(info.value)
    assert "token" not in config.FacebookChannel.model_fields  # no field for a secret itself
