"""prefect.yaml: it parses, names real flows, and schedules what design.md says."""

from __future__ import annotations

import importlib.util
import re
from datetime import time
from pathlib import Path

import pytest
import yaml
from prefect import Flow

from carecase.config import Settings

ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
DEPLOYMENTS = {d["name"]: d for d in SPEC["deployments"]}
EXPECTED = {"ingest", "dispatch", "status-updates", "sla-watch", "close-case", "rerun-case",
            "note-case", "open-case"}


def load_flow(entrypoint: str) -> Flow:
    path, name = entrypoint.split(":")
    spec = importlib.util.spec_from_file_location(f"_entry_{Path(path).stem}", ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def test_every_deployment_is_there() -> None:
    assert set(DEPLOYMENTS) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_entrypoint_names_a_flow_in_its_own_file(name: str) -> None:
    entrypoint = DEPLOYMENTS[name]["entrypoint"]
    assert re.fullmatch(r"flows/\w+\.py:\w+", entrypoint)
    flow = load_flow(entrypoint)
    assert isinstance(flow, Flow)
    assert flow.name == name


def test_one_process_work_pool_from_definitions() -> None:
    pool = SPEC["definitions"]["work_pools"]["carecase"]
    assert pool["name"] == "carecase"
    for deployment in DEPLOYMENTS.values():
        assert deployment["work_pool"] is pool  # the YAML alias, not a copy


def test_schedules() -> None:
    def schedules(name: str) -> list[dict]:
        return DEPLOYMENTS[name].get("schedules") or []

    assert schedules("ingest") == [{"interval": 60}]
    assert schedules("dispatch") == [{"interval": 60}]
    assert schedules("sla-watch") == [{"interval": 300}]
    assert schedules("status-updates") == [{"cron": "0 17 * * *",
                                            "timezone": "Europe/Stockholm"}]
    for name in ("close-case", "rerun-case", "note-case", "open-case"):
        assert schedules(name) == []


def test_parameters_refer_to_secrets_without_holding_them() -> None:
    for deployment in DEPLOYMENTS.values():
        params = deployment.get("parameters") or {}
        assert params.get("database_url_block") == "carecase-database-url"
        for key, value in params.items():
            assert not re.search(r"password|token|://", f"{key}={value}", re.I)
        flow = load_flow(deployment["entrypoint"])
        assert set(params) <= set(flow.parameters.properties)


def test_serve_uses_the_same_schedules_with_time_and_zone_from_settings() -> None:
    from flows.serve import deployments

    served = {d.name: d for d in deployments(Settings())}
    assert set(served) == EXPECTED
    cron = served["status-updates"].schedules[0].schedule
    assert (cron.cron, cron.timezone) == ("0 17 * * *", "Europe/Stockholm")
    assert served["ingest"].schedules[0].schedule.interval.total_seconds() == 60
    assert served["dispatch"].schedules[0].schedule.interval.total_seconds() == 60
    assert served["sla-watch"].schedules[0].schedule.interval.total_seconds() == 300
    assert not served["close-case"].schedules

    other = Settings.model_validate({
        "business": {"timezone": "Europe/Copenhagen"},
        "care": {"status_update_time": time(16, 30), "weekdays_only": True}})
    cron = {d.name: d for d in deployments(other)}["status-updates"].schedules[0].schedule
    assert (cron.cron, cron.timezone) == ("30 16 * * 1-5", "Europe/Copenhagen")


def test_serve_takes_the_ingest_interval_from_settings_and_never_prefetches_a_run_beside_the_last():
    from flows.serve import deployments, prefetch_seconds

    assert prefetch_seconds(Settings()) == 30  # a minute apart: started 30 s ahead
    faster = Settings.model_validate({"care": {"ingest_every_seconds": 20}})
    served = {d.name: d for d in deployments(faster)}
    assert served["ingest"].schedules[0].schedule.interval.total_seconds() == 20
    assert served["dispatch"].schedules[0].schedule.interval.total_seconds() == 60
    # 20 s apart: a run's process starts 10 s ahead, half an interval after the last began
    assert prefetch_seconds(faster) == 10


def test_forms_are_typed() -> None:
    from flows.close_case import close_case_flow
    from flows.note_case import note_case_flow

    schema = close_case_flow.parameters.model_dump()
    params = schema["definitions"]["CloseCaseParams"]["properties"]
    assert {"case_id", "agent", "happened", "done", "fault", "gesture", "note"} <= set(params)
    assert "NoteParams" in note_case_flow.parameters.model_dump()["definitions"]


def test_serve_refuses_to_start_without_a_prefect_server_to_schedule_its_runs() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from carecase.errors import InputError
    from flows.serve import require_server, serve_all

    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        with pytest.raises(InputError, match="carecase serve needs a Prefect server"):
            serve_all(Settings())  # refused before anything is served
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        require_server()  # a server to talk to: served
