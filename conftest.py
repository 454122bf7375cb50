"""Suite-wide pytest rules: an Odoo WARNING or ERROR logged during a test fails it.

Odoo's own test runner treats such log lines as failures; under pytest-odoo they would
only scroll by. Tests that expect one wrap the code in ``odoo.tools.mute_logger``.
"""

import logging

import pytest


@pytest.fixture(autouse=True)
def _fail_on_odoo_warnings(caplog):
    caplog.set_level(logging.WARNING, logger="odoo")
    yield
    noisy = [
        f"{record.levelname} {record.name}: {record.getMessage()}"
        for when in ("setup", "call")
        for record in caplog.get_records(when)
        if record.levelno >= logging.WARNING and record.name.startswith("odoo")
    ]
    if noisy:
        pytest.fail("Odoo logged during the test:\n" + "\n".join(noisy), pytrace=False)
