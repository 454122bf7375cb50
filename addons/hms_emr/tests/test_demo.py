import base64

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_open


@tagged("post_install", "-at_install")
class TestDemoStory(TransactionCase):
    """The demo tells the clinic's story the way the staff would have written it."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("hms_emr.encounter_carter_checkup", raise_if_not_found=False):
            self.skipTest("needs the demo data")

    def test_encounters_are_closed_by_their_doctor(self):
        closed = self.env["hms.encounter"].search(
            [("state", "=", "closed"), ("id", "in", self._demo_ids("hms.encounter"))]
        )
        self.assertEqual(len(closed), 3)
        for encounter in closed:
            with self.subTest(encounter=encounter.name):
                self.assertEqual(encounter.closed_by_id, encounter.practitioner_id.user_id)
        released = self.env.ref("hms_emr.encounter_carter_checkup")
        self.assertEqual(released.write_uid, self.env.ref("hms_base.user_doctor"))

    def test_clinics_have_their_logo(self):
        for xmlid, image in (
            ("base.main_company", "clinic_riverside_logo.png"),
            ("hms_base.clinic_hillview", "clinic_hillview_logo.png"),
        ):
            with file_open(f"hms_base/static/img/{image}", "rb") as logo:
                expected = base64.b64encode(logo.read())
            self.assertEqual(self.env.ref(xmlid).logo, expected)

    def test_checked_in_patient_has_a_queue_ticket(self):
        appointment = self.env.ref("hms_emr.appointment_maria_checked_in")
        self.assertEqual(appointment.state, "checked_in")
        self.assertTrue(appointment.queue_ticket)
        self.assertTrue(appointment.queue_ticket_display.startswith("RFC-"))
        self.assertTrue(appointment.checkin_date)

    def _demo_ids(self, model):
        return (
            self.env["ir.model.data"]
            .search([("module", "=", "hms_emr"), ("model", "=", model)])
            .mapped("res_id")
        )
