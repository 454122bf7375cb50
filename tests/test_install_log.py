"""Suite-wide: the install of every HMS addon with demo data logs no warning."""

import importlib.util
import os
import pathlib

import pytest

from odoo.tests import TransactionCase, tagged

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "check_install_log", ROOT / "scripts" / "check_install_log.py"
)
check_install_log = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_install_log)


def test_detects_warnings_and_errors():
    lines = [
        "2026-11-21 10:00:00,000 123 INFO hms odoo.modules.loading: loading hms_base\n",
        "2026-11-21 10:00:01,000 123 WARNING hms odoo.models: Field x has no string\n",
        "2026-11-21 10:00:02,000 123 ERROR hms odoo.sql_db: bad query\n",
        "Traceback mentioning WARNING in the middle of a line\n",
    ]
    found = check_install_log.bad_lines(lines)
    assert len(found) == 2
    assert "WARNING" in found[0]
    assert "ERROR" in found[1]


def test_install_log_is_clean():
    path = os.environ.get("HMS_INSTALL_LOG")
    if not path:
        pytest.skip("HMS_INSTALL_LOG is set by scripts/test after installing the suite")
    text = pathlib.Path(path).read_text(encoding="utf-8", errors="replace")
    assert "odoo.modules.loading: Modules loaded." in text, "the install ran to its end"
    assert check_install_log.bad_lines(text.splitlines()) == []


@tagged("post_install", "-at_install")
class TestSuiteInstalled(TransactionCase):
    def test_every_hms_addon_is_installed(self):
        addons = sorted(p.name for p in (ROOT / "addons").iterdir() if p.name.startswith("hms_"))
        installed = self.env["ir.module.module"].search(
            [("name", "in", addons), ("state", "=", "installed")]
        )
        self.assertEqual(sorted(installed.mapped("name")), addons)
        self.assertTrue(
            self.env["ir.module.module"].search([("name", "=", "base")]).demo,
            "the test database carries demo data",
        )
