"""The integrator example of scripts/examples runs against a real server, with real rights."""

import contextlib
import importlib.util
import io
import pathlib
import xmlrpc.client

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_base.tests.common import hms_password
from odoo.addons.hms_patient.tests.common import HmsPatientCommon

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "integrator", ROOT / "scripts" / "examples" / "integrator.py"
)
integrator = importlib.util.module_from_spec(spec)
spec.loader.exec_module(integrator)


@tagged("post_install", "-at_install", "hms_access")
class TestIntegratorExample(HmsPatientCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()

    def client(self, user):
        return integrator.HmsClient(
            self.base_url(), self.env.cr.dbname, user.login, hms_password(user)
        )

    def test_receptionist_registers_a_patient(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            integrator.main(
                [
                    f"--url={self.base_url()}",
                    f"--db={self.env.cr.dbname}",
                    f"--login={self.receptionist.login}",
                    f"--password={hms_password(self.receptionist)}",
                    "--patient=Integrated Patient",
                    "--birthdate=1990-05-01",
                ]
            )
        patient = self.env["hms.patient"].search([("name", "=", "Integrated Patient")])
        self.assertEqual(patient.company_id, self.clinic_a)
        self.assertIn(f"practitioner {self.practitioner_a.id}: Test Doctor A", out.getvalue())
        self.assertNotIn("Test Doctor B", out.getvalue(), "clinic B is not the user's clinic")
        self.assertIn(f"medical record number {patient.mrn}", out.getvalue())

    def test_same_rights_as_the_web_client(self):
        client = self.client(self.receptionist)
        with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault):
            client.call("hms.practitioner", "write", [self.practitioner_a.id], {"name": "Forged"})
        with self.assertRaises(PermissionError):
            integrator.HmsClient(
                self.base_url(), self.env.cr.dbname, self.receptionist.login, "wrong-password"
            )
        self.assertEqual(self.practitioner_a.name, "Test Doctor A")
