import xmlrpc.client

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_base.tests import test_access

from .common import HmsEmrCase, HmsEmrCommon

SECRET = "Discloses alcohol dependence; partner unaware."


@tagged("post_install", "-at_install", "hms_access")
class TestConfidential(HmsEmrCase):
    def setUp(self):
        super().setUp()
        self.encounter = self.open_encounter(confidential_note=SECRET)

    def test_stored_encrypted(self):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT confidential_note_encrypted FROM hms_encounter WHERE id = %s",
            [self.encounter.id],
        )
        stored = self.env.cr.fetchone()[0]
        self.assertTrue(stored)
        self.assertNotIn("alcohol", stored)
        self.assertTrue(self.encounter.sudo().has_confidential_note)
        self.assertEqual(self.encounter.with_user(self.doctor).confidential_note, SECRET)

    def test_care_team_doctor_reads_other_doctors_do_not(self):
        colleague = self._hms_user("hms_test_doctor_a2", "hms_base.group_hms_doctor", self.clinic_a)
        practitioner = self.env["hms.practitioner"].create(
            {"name": "Colleague", "user_id": colleague.id, "company_id": self.clinic_a.id}
        )
        as_colleague = self.encounter.with_user(colleague)
        self.assertNotIn("alcohol", as_colleague.confidential_note, "same clinic, not in care")
        self.assertIn("care team", as_colleague.confidential_note)
        self.assertNotIn("alcohol", self.encounter.with_user(self.manager).confidential_note)
        with self.assertRaises(AccessError):
            as_colleague.write({"confidential_note": "overwrite"})
        # Seeing the patient puts the colleague in the care team.
        self.env["hms.encounter"].create(
            {"patient_id": self.patient_a.id, "practitioner_id": practitioner.id}
        )
        self.encounter.invalidate_recordset()
        self.assertEqual(self.encounter.with_user(colleague).confidential_note, SECRET)

    def test_nurse_cannot_read_it(self):
        as_nurse = self.encounter.with_user(self.nurse)
        self.assertEqual(as_nurse.read(["chief_complaint"])[0]["chief_complaint"], "Headache")
        with mute_logger("odoo.models"):
            for field in ("confidential_note", "confidential_note_encrypted"):
                with self.subTest(field=field), self.assertRaises(AccessError):
                    as_nurse.read([field])
            with self.assertRaises(AccessError):
                as_nurse.search_read([], ["confidential_note"])

    def test_locked_after_close(self):
        self.encounter.action_close()
        with self.assertRaisesMessage(UserError, "addendum"):
            self.encounter.with_user(self.doctor).confidential_note = "changed"
        self.encounter.invalidate_recordset()
        self.assertEqual(self.encounter.with_user(self.doctor).confidential_note, SECRET)


@tagged("post_install", "-at_install", "hms_access")
class TestConfidentialRpc(HmsEmrCommon, HttpCase):
    rpc = test_access.TestAccessRpc.rpc

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()

    def test_nurse_rpc_refused_doctor_rpc_reads(self):
        encounter = self.open_encounter(confidential_note=SECRET)
        rows = self.rpc(self.doctor, "hms.encounter", "read", [encounter.id], ["confidential_note"])
        self.assertEqual(rows[0]["confidential_note"], SECRET)
        with mute_logger("odoo.http", "odoo.models"):
            for field in ("confidential_note", "confidential_note_encrypted"):
                with self.subTest(field=field):
                    with self.assertRaisesMessage(
                        xmlrpc.client.Fault, "AccessError|not allowed|access"
                    ):
                        self.rpc(self.nurse, "hms.encounter", "read", [encounter.id], [field])
