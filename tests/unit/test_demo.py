"""`make demo` plays the story anew each time, and never wipes a demo that is running."""

from __future__ import annotations

import socket

import pytest

from flows.demo import HOST, fresh_home


def test_a_second_demo_starts_from_an_empty_folder(tmp_path) -> None:
    home = tmp_path / "demo"
    (home / "pgdata").mkdir(parents=True)
    (home / "pgdata" / "PG_VERSION").write_text("16")
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port = sock.getsockname()[1]  # free once closed
    assert fresh_home(home, port) == home.resolve()
    assert list(home.iterdir()) == []  # the story's comments are new to it again


def test_a_running_demos_data_is_kept(tmp_path) -> None:
    home = tmp_path / "demo"
    home.mkdir()
    (home / "carecase.toml").write_text("[business]\n")
    with socket.socket() as server:  # its Prefect server holds the port
        server.bind((HOST, 0))
        server.listen()
        with pytest.raises(SystemExit, match="is a demo running already"):
            fresh_home(home, server.getsockname()[1])
    assert (home / "carecase.toml").exists()
