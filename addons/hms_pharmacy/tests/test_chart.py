from odoo.tests import tagged

from .common import HmsPharmacyCase


@tagged("post_install", "-at_install")
class TestChart(HmsPharmacyCase):
    def test_issued_prescriptions_are_in_the_patients_chart(self):
        issued = self.issued(self.line(self.warfarin), self.line(self.paracetamol))
        draft = self.draft(self.line(self.amlodipine))
        for user in (self.doctor, self.nurse):
            events = self.patient_a.with_user(user)._hms_chart_events()
            prescriptions = [event for event in events if event["kind"] == "prescription"]
            self.assertEqual([event["res_id"] for event in prescriptions], issued.ids)
            self.assertNotIn(draft.id, [event["res_id"] for event in prescriptions])
            detail = prescriptions[0]["detail"]
            self.assertIn("Warfarin 5 mg, Paracetamol 500 mg", detail)
            self.assertIn("Issued", detail)
            self.assertIn(issued.name, prescriptions[0]["title"])
        html = str(self.patient_a.with_user(self.doctor).chart_html)
        self.assertIn(f"/odoo/hms.prescription/{issued.id}", html)

    def test_a_cancelled_prescription_stays_in_the_chart_as_cancelled(self):
        prescription = self.issued(self.line(self.ibuprofen))
        prescription.with_user(self.doctor).action_cancel()
        events = self.patient_a.with_user(self.doctor)._hms_chart_events()
        (event,) = [event for event in events if event["kind"] == "prescription"]
        self.assertIn("Cancelled", event["detail"])
