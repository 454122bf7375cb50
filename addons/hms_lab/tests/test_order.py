from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import HmsLabCase


@tagged("post_install", "-at_install")
class TestOrder(HmsLabCase):
    def test_order_from_encounter(self):
        encounter = self.open_encounter()
        action = encounter.with_user(self.doctor).action_hms_open_lab_orders()
        self.assertEqual(action["context"]["default_encounter_id"], encounter.id)
        with Form(
            self.env["hms.lab.order"].with_user(self.doctor).with_context(action["context"])
        ) as form:
            form.priority = "2"
            form.clinical_question = "Anaemia?"
            form.panel_ids.add(self.panel)
            form.test_ids.add(self.test_upro)
        order = form.save()
        self.assertEqual(order.patient_id, self.patient_a)
        self.assertEqual(order.company_id, self.clinic_a)
        self.assertEqual(order.doctor_id, self.doctor)
        self.assertTrue(order.name.startswith("LAB"), order.name)
        self.assertEqual(order.state, "ordered")
        self.assertEqual(order.result_ids.test_id, self.test_hgb | self.test_k | self.test_upro)
        # One tube per specimen type and container, labelled with the accession number.
        self.assertEqual(len(order.specimen_ids), 3)
        self.assertEqual(
            sorted(order.specimen_ids.mapped("name")), [f"{order.name}-{i}" for i in (1, 2, 3)]
        )
        self.assertEqual(encounter.lab_order_ids, order)
        self.assertEqual(encounter.with_user(self.doctor).lab_order_count, 1)

    def test_accession_numbers_per_clinic(self):
        first = self.order()
        second = self.order()
        self.assertNotEqual(first.name, second.name)
        patient_b_encounter = self.open_encounter(user=self.doctor_b, patient=self.patient_b)
        other = self.order(user=self.doctor_b, encounter=patient_b_encounter)
        self.assertEqual(other.company_id, self.clinic_b)
        self.assertEqual(other.name[-6:], first.name[-6:])  # each clinic counts on its own

    def test_lab_technicians_notified(self):
        order = self.order()
        message = self.env["mail.message"].search(
            [
                ("model", "=", "hms.lab.order"),
                ("res_id", "=", order.id),
                ("partner_ids", "in", self.lab_technician.partner_id.ids),
            ]
        )
        self.assertTrue(message)
        self.assertIn(order.name, message.subject)
        self.assertNotIn(self.doctor_b.partner_id, message.partner_ids)

    def test_states_follow_the_work(self):
        order = self.order()
        order.specimen_ids[0].with_user(self.nurse).action_collect()
        self.assertEqual(order.state, "ordered")  # one tube still to draw
        order.specimen_ids[1].with_user(self.lab_technician).action_collect()
        self.assertEqual(order.state, "collected")
        self.assertEqual(order.specimen_ids[0].collected_by_id, self.nurse)
        order.specimen_ids.with_user(self.lab_technician).action_receive()
        self.assertEqual(order.state, "received")
        self.result(order, self.test_hgb).with_user(self.lab_technician).value = "13"
        self.assertEqual(order.state, "in_progress")
        self.result(order, self.test_k).with_user(self.lab_technician).value = "4"
        self.assertEqual(order.state, "to_validate")
        order.result_ids.with_user(self.lab_technician_2).action_validate()
        order.with_user(self.lab_technician_2).action_release()
        self.assertEqual(order.state, "released")
        self.assertTrue(order.date_collected <= order.date_received <= order.date_released)
        self.assertGreaterEqual(order.total_minutes, 0)

    def test_results_wait_for_the_specimen(self):
        order = self.order()
        with self.assertRaisesMessage(UserError, "specimens are received"):
            self.result(order, self.test_hgb).with_user(self.lab_technician).value = "13"

    def test_rejected_specimen_asks_for_a_new_collection(self):
        order = self.received(self.order())
        tube = order.specimen_ids[0]
        with self.assertRaisesMessage(UserError, "reason"):
            tube.with_user(self.lab_technician).action_reject()
        tube.with_user(self.lab_technician).reject_reason = "haemolysed"
        tube.with_user(self.lab_technician).action_reject()
        self.assertEqual(tube.state, "rejected")
        self.assertEqual(tube.rejected_by_id, self.lab_technician)
        new = tube.replacement_id
        self.assertEqual(
            (new.state, new.specimen_type, new.container),
            ("to_collect", tube.specimen_type, tube.container),
        )
        self.assertFalse(new.collected_by_id)
        self.assertEqual(order.state, "ordered")
        self.assertIn("Haemolysed", order.message_ids[0].body)
        new.with_user(self.nurse).action_collect()
        new.with_user(self.lab_technician).action_receive()
        self.assertEqual(order.state, "received")

    def test_cancel_needs_a_reason(self):
        order = self.order()
        with self.assertRaisesMessage(UserError, "reason"):
            order.with_user(self.doctor).action_cancel()
        self.assertEqual(order.state, "ordered")
        order.with_user(self.doctor).cancel_reason = "Ordered twice"
        order.with_user(self.doctor).action_cancel()
        self.assertEqual(order.state, "cancelled")
        self.assertEqual(set(order.result_ids.mapped("state")), {"cancelled"})
        with self.assertRaises(UserError):
            order.specimen_ids[0].with_user(self.nurse).action_collect()

    def test_order_needs_a_test(self):
        with self.assertRaisesMessage(ValidationError, "at least one test"):
            self.order(panel_ids=[])
        released = self.released()
        released.cancel_reason = "Too late"
        with self.assertRaisesMessage(UserError, "amend"):
            released.action_cancel()

    def test_specimen_barcode_label(self):
        order = self.order()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("hms_lab.action_report_specimen_label", order.specimen_ids[:1].ids)[
                0
            ]
            .decode()
        )
        self.assertIn("Barcode " + order.specimen_ids[0].name, html)
        self.assertIn("data:image/png;base64", html)
        self.assertIn(order.specimen_ids[0].name, html)

    def test_chart_and_report(self):
        order = self.released()
        events = self.patient_a.with_user(self.doctor)._hms_chart_events()
        lab = [event for event in events if event["kind"] == "lab"]
        self.assertEqual({event["res_id"] for event in lab}, set(order.result_ids.ids))
        action = self.patient_a.with_user(self.doctor).action_hms_open_lab_trend()
        self.assertEqual(action["res_model"], "hms.lab.result")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("hms_lab.action_report_lab_order", order.ids)[0]
            .decode()
        )
        self.assertIn("Haemoglobin", html)
        self.assertIn(self.lab_technician_2.name, html)
        self.assertIn("12-15.5", html)

    def test_patient_merge_moves_orders(self):
        order = self.order()
        duplicate = self.env["hms.patient"].create(
            {"name": "Alice Other", "company_id": self.clinic_a.id}
        )
        moved = self.patient_a._hms_merge(duplicate, "Same person")
        self.assertIn("Lab Order (1)", moved)
        self.assertEqual(order.patient_id, duplicate)
        self.assertEqual(order.result_ids.patient_id, duplicate)
        self.assertEqual(order.specimen_ids.patient_id, duplicate)
