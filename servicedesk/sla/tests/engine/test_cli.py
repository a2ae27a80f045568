"""``python -m servicedesk sla simulate``: output format and every refusal (exit 2)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from servicedesk.sla.cli import main

BASE: dict[str, Any] = {
    "plan": "PREMIUM",
    "type": "Problema",
    "severity": "Crítica",
    "environment": "produção",
    "opened_at": "2026-12-01T10:00:00-03:00",
    "as_of": "2026-12-01T12:00:00-03:00",
    "events": [],
}


def run_main(data: Any) -> tuple[int, str, str]:
    text = data if isinstance(data, str) else json.dumps(data)
    out, err = io.StringIO(), io.StringIO()
    code = main(["-"], stdin=io.StringIO(text), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_simulate_prints_the_report() -> None:
    data = dict(
        BASE, as_of="2026-12-03T12:00:00-03:00", events=[{"at": "2026-12-01T12:00:00-03:00", "diagnosis": True}]
    )
    code, out, err = run_main(data)
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "status": "NOVO",
        "severity": "Crítica",
        "type": "Problema",
        "diagnosis": {
            "due_at": "2026-12-01T17:00:00-03:00",
            "met_at": "2026-12-01T12:00:00-03:00",
            "state": "met",
            "elapsed_seconds": 7200,
            "paused_seconds": 0,
            "paused_by_status": {"AGUARDANDO CLIENTE": 0, "SERVIÇOS": 0, "COM-PROPOSTA": 0, "SERV-ASSESSORIA": 0},
        },
        "solution": {
            "due_at": "2026-12-02T10:00:00-03:00",
            "met_at": None,
            "state": "breached",
            "elapsed_seconds": 18 * 3600,
            "paused_seconds": 0,
            "paused_by_status": {"AGUARDANDO CLIENTE": 0, "SERVIÇOS": 0, "COM-PROPOSTA": 0, "SERV-ASSESSORIA": 0},
        },
        "auto_close_at": None,
        "contractual": True,
    }


def test_instants_are_reported_in_sao_paulo_time() -> None:
    code, out, _ = run_main(dict(BASE, opened_at="2026-12-01T13:00:00Z"))
    assert code == 0
    assert json.loads(out)["diagnosis"]["due_at"] == "2026-12-01T17:00:00-03:00"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "JSON inválido"),
        ("[]", "expected a JSON object"),
        (dict(BASE, color="red"), "unknown key"),
        ({k: v for k, v in BASE.items() if k != "opened_at"}, "missing key"),
        (dict(BASE, plan="GOLD"), "unknown plan"),
        (dict(BASE, type="Bug"), "unknown type"),
        (dict(BASE, severity="Urgente"), "unknown severity"),
        (dict(BASE, environment="dev"), "unknown environment"),
        (dict(BASE, opened_at="2026-12-01T10:00:00"), "naive"),
        (dict(BASE, as_of="yesterday"), "ISO 8601"),
        (dict(BASE, events=[{"at": "2026-12-01T11:00:00-03:00", "status": "FEITO"}]), "unknown status"),
        (dict(BASE, events=[{"at": "2026-12-01T11:00:00-03:00", "owner": "ana"}]), "unknown key"),
        (dict(BASE, events=[{"status": "RESOLVIDO"}]), "missing key"),
        (dict(BASE, events=[{"at": "2026-12-01T11:00:00-03:00", "diagnosis": "yes"}]), "true or false"),
        (dict(BASE, events={"at": "x"}), "must be a list"),
        (
            dict(BASE, events=[{"at": "2026-12-01T11:30:00-03:00"}, {"at": "2026-12-01T11:00:00-03:00"}]),
            "out of order",
        ),
        (dict(BASE, type="Dúvida"), "always Normal"),
        (dict(BASE, severity=3), "must be a string"),
    ],
)
def test_invalid_input_exits_2_with_a_message_and_no_output(data: Any, message: str) -> None:
    code, out, err = run_main(data)
    assert (code, out) == (2, "")
    assert message in err


def test_module_entry_point_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "ticket.json"
    path.write_text(json.dumps(BASE), encoding="utf-8")
    root = Path(__file__).resolve().parents[4]
    ok = subprocess.run(
        [sys.executable, "-m", "servicedesk", "sla", "simulate", str(path)], capture_output=True, text=True, cwd=root
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["status"] == "NOVO"
    missing = subprocess.run(
        [sys.executable, "-m", "servicedesk", "sla", "simulate", str(tmp_path / "nope.json")],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert (missing.returncode, missing.stdout) == (2, "")
    usage = subprocess.run([sys.executable, "-m", "servicedesk", "sla"], capture_output=True, text=True, cwd=root)
    assert (usage.returncode, usage.stdout) == (2, "")
