"""prefect.yaml stays loadable: entrypoints are flows, schedules in Tokyo time, runs never overlap."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml
from prefect import Flow

ROOT = Path(__file__).resolve().parents[2]


def test_every_deployment_points_at_a_flow_with_valid_parameters() -> None:
    project = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    assert project["deployments"], "no deployments"
    for deployment in project["deployments"]:
        path, _, name = deployment["entrypoint"].partition(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        flow = getattr(module, name)
        assert isinstance(flow, Flow), deployment["entrypoint"]
        flow.validate_parameters(deployment.get("parameters", {}))
        for schedule in deployment.get("schedules", []):
            assert schedule["timezone"] == "Asia/Tokyo"
        assert deployment["concurrency_limit"]["limit"] == 1
