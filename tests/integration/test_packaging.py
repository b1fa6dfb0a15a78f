"""The built wheel carries everything the program reads at run time (not only in a checkout)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_templates_sql_and_word_lists(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    [wheel] = tmp_path.glob("carecase-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in ("da", "sv", "nb", "en"):
        for template in ("public_ack", "private_ack", "status_update", "followup_close",
                         "public_resolution", "moderation_notice", "thank_you"):
            assert f"carecase_templates/{lang}/{template}.txt.j2" in names
    assert "carecase_templates/_layout.html.j2" in names
    assert "carecase/store/queries.sql" in names
    assert "carecase/store/migrations/0001_initial.sql" in names
    assert {"carecase/data/complaint.txt", "carecase/data/profanity_sv.txt",
            "carecase/data/nicknames.txt"} <= names
    assert {"connectors/email.py", "flows/ingest.py", "sandbox/graph.py"} <= names
