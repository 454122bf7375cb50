"""The audit trail across the suite: every HMS model of every addon appends exactly the events
of what is done to it, although no addon knows about hms_audit."""

from odoo.tests import tagged

from odoo.addons.hms_appointment.tests.common import at
from odoo.addons.hms_audit.tests.common import HmsAuditCommon
from odoo.addons.hms_emr.tests.common import HmsEmrAppointmentCase

# Models whose events hms_audit's own tests check (patients, hms_base models, break the glass).
AUDIT_TESTS = {
    "hms.patient",
    "hms.practitioner",
    "hms.specialty",
    "hms.department",
    "hms.emergency.access",
}

# SQL-view report models (statistics, read only): reading their rows is audited.
REPORTS = {"hms.appointment.report": "receptionist"}
# The billing reports (rows need posted invoices: see test_reading_billing_statistics_is_audited).
BILLING_REPORTS = (
    "hms.revenue.report",
    "hms.unbilled.ageing.report",
    "hms.receivable.ageing.report",
)


@tagged("post_install", "-at_install")
class TestAuditCoverage(HmsAuditCommon, HmsEmrAppointmentCase):
    def samples(self):
        """{model: (who does it, values to create, values to write, how it is removed)} for
        every model of the appointment, medical-record and patient addons."""
        encounter = self.open_encounter()
        category = self.env["hms.patient.document.category"].search([], limit=1)
        id_type = self.env["hms.patient.identifier.type"].search([], limit=1)
        patient = {"patient_id": self.patient_a.id}
        payer = self.env["res.partner"].create({"name": "Audit Mutual", "is_company": True})
        return {
            "hms.patient.allergy": (
                self.doctor,
                {**patient, "allergen": "Latex"},
                {"allergen": "Latex gloves"},
                None,
            ),
            "hms.patient.condition": (
                self.doctor,
                {**patient, "name": "Asthma"},
                {"name": "Mild asthma"},
                None,
            ),
            "hms.patient.contact": (
                self.receptionist,
                {**patient, "name": "Bo", "phone": "+12175550199"},
                {"name": "Bob"},
                "unlink",
            ),
            "hms.patient.identifier": (
                self.receptionist,
                {**patient, "type_id": id_type.id, "value": "AUD-1"},
                {"value": "AUD-2"},
                "unlink",
            ),
            "hms.patient.insurance": (
                self.receptionist,
                {
                    **patient,
                    "payer_id": payer.id,
                    "policy_number": "AUD-P1",
                    "date_start": "2020-01-01",
                    "date_end": "2020-12-31",
                },
                {"plan": "Gold"},
                "archive",
            ),
            "hms.patient.document": (
                self.receptionist,
                {**patient, "name": "Scan", "category_id": category.id},
                {"name": "Scan 2"},
                "archive",
            ),
            "hms.patient.document.category": (
                self.manager,
                {"name": "Audit letters"},
                {"name": "Audit mail"},
                "unlink",
            ),
            "hms.patient.identifier.type": (
                self.manager,
                {"name": "Audit card", "code": "AUDC"},
                {"name": "Audit badge"},
                "unlink",
            ),
            "hms.appointment": (
                self.receptionist,
                {
                    **patient,
                    "practitioner_id": self.practitioner_a.id,
                    "appointment_type_id": self.type_consultation.id,
                    "start": at(3, 10),
                },
                {"reason": "Check-up"},
                None,
            ),
            "hms.appointment.type": (
                self.manager,
                {"name": "Audit visit", "duration": 0.5},
                {"name": "Audit call"},
                "archive",
            ),
            "hms.encounter": (
                self.doctor,
                {**patient, "practitioner_id": self.practitioner_a.id, "chief_complaint": "Cough"},
                {"plan": "Rest"},
                None,
            ),
            "hms.vital": (
                self.nurse,
                {"encounter_id": encounter.id, "weight": 70},
                {"weight": 71},
                None,
            ),
            "hms.icd10": (
                self.manager,
                {"code": "Z99.89", "name": "Audit test code"},
                {"name": "Audit test"},
                "archive",
            ),
            "hms.encounter.diagnosis": (
                self.doctor,
                {"encounter_id": encounter.id, "icd10_id": self.icd_uri.id},
                {"note": "Viral"},
                "unlink",
            ),
            **self.lab_samples(encounter),
            "hms.charge": (
                self.users["billing_clerk"],
                {
                    **patient,
                    "res_model": "hms.encounter",
                    "res_id": encounter.id,
                    "code": "audit",
                    "name": "Dressing",
                    "company_id": self.clinic_a.id,
                    "product_id": self.practitioner_a.consultation_product_id.id,
                    "price_unit": 15.0,
                },
                {"name": "Sterile dressing"},
                None,
            ),
            **self.pharmacy_samples(encounter),
            "hms.claim": (
                self.users["billing_clerk"],
                {
                    "payer_id": payer.id,
                    "company_id": self.clinic_a.id,
                    "date_from": "2026-03-01",
                    "date_to": "2026-03-31",
                },
                {"note": "Sent to the insurer"},
                "unlink",
            ),
            **self.package_samples(),
        }

    def package_samples(self):
        """Samples of the billing packages (hms_billing)."""
        service = self.env["product.product"].create(
            {"name": "Audit care", "type": "service", "list_price": 90.0}
        )
        extra = self.env["product.product"].create(
            {"name": "Audit extra care", "type": "service", "list_price": 30.0}
        )
        template = {
            "name": "Audit package",
            "company_id": self.clinic_a.id,
            "product_id": service.id,
            "price": 90.0,
            "validity_days": 30,
            "line_ids": [(0, 0, {"product_id": service.id, "quantity": 2})],
        }
        package = self.env["hms.billing.package"].create(template)
        return {
            "hms.billing.package": (self.manager, template, {"name": "Audit bundle"}, "archive"),
            "hms.billing.package.line": (
                self.manager,
                {"package_id": package.id, "product_id": extra.id, "quantity": 1},
                {"quantity": 2},
                "unlink",
            ),
            "hms.patient.package": (
                self.users["billing_clerk"],
                {"patient_id": self.patient_a.id, "package_id": package.id},
                {"note": "Paid in advance"},
                None,
            ),
        }

    def lab_samples(self, encounter):
        """Samples of the laboratory's models."""
        test = self.env["hms.lab.test"].create({"code": "AUD-T0", "name": "Audit base test"})
        extra = self.env["hms.lab.test"].create({"code": "AUD-T1", "name": "Audit extra test"})
        order = (
            self.env["hms.lab.order"]
            .with_user(self.doctor)
            .create({"encounter_id": encounter.id, "test_ids": [(6, 0, test.ids)]})
        )
        return {
            "hms.lab.test": (
                self.manager,
                {"code": "AUD-T2", "name": "Audit test"},
                {"name": "Audit test 2"},
                "archive",
            ),
            "hms.lab.panel": (
                self.manager,
                {"code": "AUD-P", "name": "Audit panel", "test_ids": [(6, 0, test.ids)]},
                {"name": "Audit panel 2"},
                "archive",
            ),
            "hms.lab.range": (
                self.manager,
                {"test_id": test.id, "normal_low": 1, "normal_high": 2},
                {"normal_high": 3},
                "unlink",
            ),
            "hms.lab.order": (
                self.doctor,
                {"encounter_id": encounter.id, "test_ids": [(6, 0, test.ids)]},
                {"clinical_question": "Anaemia?"},
                None,
            ),
            "hms.lab.specimen": (
                self.lab_technician,
                {"order_id": order.id, "specimen_type": "blood", "container": "edta"},
                {"reject_reason": "haemolysed"},
                None,
            ),
            "hms.lab.result": (
                self.lab_technician,
                {"order_id": order.id, "test_id": extra.id},
                {"sequence": 5},
                None,
            ),
            "hms.lab.hl7.message": (
                self.lab_technician,
                {"raw": "MSH|^~\\&|LIS|LAB|HMS|CLINIC|20260302||ORU^R01|AUD1|P|2.5"},
                {"raw": "MSH|^~\\&|LIS|LAB|HMS|CLINIC|20260302||ORU^R01|AUD2|P|2.5"},
                None,
            ),
        }

    def test_lab_amendments_are_appended(self):
        test = self.env["hms.lab.test"].create({"code": "AUD-A", "name": "Audit amended"})
        order = (
            self.env["hms.lab.order"]
            .with_user(self.doctor)
            .create({"encounter_id": self.open_encounter().id, "test_ids": [(6, 0, test.ids)]})
        )
        order.specimen_ids.sudo().write({"state": "received"})
        order.sudo()._hms_update_state()
        result = order.result_ids.with_user(self.lab_technician)
        result.value = "1"
        result.with_user(self.manager).action_validate()
        mark = self.audit_mark()
        result._hms_amend("2", "Wrong sample")
        events = self.events_since(mark, model="hms.lab.result.amendment")
        self.assertEqual(events.mapped("action"), ["create"])
        self.assertEqual(events.res_ids, result.amendment_ids.ids)

    def audit_medicine(self):
        """A lot-tracked medicine with 100 units in clinic A's pharmacy (hms_pharmacy)."""
        medicine = (
            self.env["product.template"]
            .create(
                {
                    "name": "Audit tablets",
                    "is_storable": True,
                    "tracking": "lot",
                    "hms_is_medicine": True,
                    "hms_dose_unit": "tablet",
                    "hms_ingredient_ids": [(0, 0, {"name": "auditamol"})],
                }
            )
            .product_variant_id
        )
        location = self.clinic_a._hms_pharmacy_picking_type().default_location_src_id
        lot = self.env["stock.lot"].create(
            {"name": "AUDIT-1", "product_id": medicine.id, "company_id": self.clinic_a.id}
        )
        self.env["stock.quant"]._update_available_quantity(medicine, location, 100, lot_id=lot)
        return medicine

    def pharmacy_samples(self, encounter):
        medicine = self.audit_medicine()
        prescription = self.env["hms.prescription"].create({"encounter_id": encounter.id})
        line = {"product_id": medicine.id, "dose": 1, "duration_days": 5}
        return {
            "hms.medicine.ingredient": (
                self.manager,
                {"product_tmpl_id": medicine.product_tmpl_id.id, "name": "auditine"},
                {"strength": 5},
                "unlink",
            ),
            "hms.drug.interaction": (
                self.manager,
                {"term_a": "auditine", "term_b": "auditol", "description": "A", "source": "S"},
                {"severity": "severe"},
                "archive",
            ),
            "hms.prescription": (
                self.doctor,
                {"encounter_id": encounter.id},
                {"priority": "1"},
                None,
            ),
            "hms.prescription.line": (
                self.doctor,
                {**line, "prescription_id": prescription.id},
                {"instructions": "After meals"},
                "unlink",
            ),
        }

    def test_dispensed_items_are_appended_by_the_dispensing(self):
        medicine = self.audit_medicine()
        prescription = (
            self.env["hms.prescription"]
            .with_user(self.doctor)
            .create(
                {
                    "encounter_id": self.open_encounter().id,
                    "line_ids": [(0, 0, {"product_id": medicine.id, "duration_days": 5})],
                }
            )
        )
        prescription.action_issue()
        mark = self.audit_mark()
        prescription = prescription.with_user(self.pharmacist)
        prescription.action_verify()
        prescription.action_prepare()
        prescription.action_hand_over()
        events = self.events_since(mark, model="hms.dispensed.item")
        item = self.env["hms.dispensed.item"].search([("prescription_id", "=", prescription.id)])
        self.assertEqual([(e.action, e.res_ids) for e in events], [("create", item.ids)])
        self.assertEqual(events.patient_ids, self.patient_a)

    def test_each_action_on_each_model_is_one_event(self):
        for model, (user, create, write, removal) in self.samples().items():
            with self.subTest(model=model):
                Model = self.env[model].with_user(user)
                mark = self.audit_mark()
                record = Model.create(create)
                record.write(write)
                record.web_read({"display_name": {}})
                expected = ["create", "write", "read"]
                if removal == "unlink":
                    record.unlink()
                    expected.append("unlink")
                elif removal == "archive":
                    record.action_archive()
                    expected.append("archive")
                events = self.events_since(mark, model=model)
                # Booking sends the confirmation, whose portal link writes the record's token.
                side = ["access_token"] if model == "hms.appointment" else []
                expected[1:1] = ["write"] * len(side)
                self.assertEqual(events.mapped("action"), expected)
                self.assertTrue(all(event.res_ids == record.ids for event in events))
                self.assertEqual(events.user_id, user)
                written = events.filtered(lambda e: e.action == "write").mapped("field_names")
                self.assertEqual(written, [*side, ",".join(sorted(write))])
                if "patient_id" in record._fields:
                    self.assertEqual(events.patient_ids, self.patient_a)

    def test_records_the_system_appends(self):
        encounter = self.closed_encounter()
        appointment = self.book(at(4, 9), user=self.receptionist)
        mark = self.audit_mark()
        addendum = (
            self.env["hms.encounter.addendum"]
            .with_user(self.doctor)
            .create({"encounter_id": encounter.id, "text": "Lab result came back normal."})
        )
        appointment.with_user(self.receptionist)._action_reschedule(at(4, 11))
        events = self.events_since(mark).filtered(lambda e: e.action == "create")
        self.assertEqual(
            [(e.model, e.res_ids) for e in events],
            [
                ("hms.encounter.addendum", addendum.ids),
                ("hms.appointment.history", appointment.history_ids.ids),
            ],
        )
        self.assertEqual(events.patient_ids, self.patient_a)

    def test_package_consumption_is_appended_by_the_sale(self):
        service = self.env["product.product"].create(
            {"name": "Audit care", "type": "service", "list_price": 90.0}
        )
        package = self.env["hms.billing.package"].create(
            {
                "name": "Audit package",
                "company_id": self.clinic_a.id,
                "product_id": service.id,
                "line_ids": [(0, 0, {"product_id": service.id, "quantity": 2})],
            }
        )
        mark = self.audit_mark()
        sold = (
            self.env["hms.patient.package"]
            .with_user(self.users["billing_clerk"])
            .create({"patient_id": self.patient_a.id, "package_id": package.id})
        )
        events = self.events_since(mark, model="hms.patient.package.line")
        self.assertEqual([(e.action, e.res_ids) for e in events], [("create", sold.line_ids.ids)])

    def test_every_hms_model_is_covered_here_or_by_the_audit_tests(self):
        audited = self.env["hms.audit.rule"].search([("model", "=like", "hms.%")]).mapped("model")
        tested = set(self.samples()) | AUDIT_TESTS
        tested |= {"hms.encounter.addendum", "hms.appointment.history"}
        tested |= set(REPORTS)
        tested |= {"hms.lab.result.amendment"}
        tested |= {"hms.dispensed.item"}
        # Claim lines need posted insurer invoices: hms_billing's claim tests check their events.
        tested |= {"hms.claim.line"}
        tested |= {"hms.patient.package.line"}
        tested |= set(BILLING_REPORTS)
        self.assertEqual(set(audited) - tested, set(), "add a sample for each new HMS model")

    def test_reading_statistics_is_audited(self):
        self.book(at(4, 9), user=self.receptionist)
        for model, role in REPORTS.items():
            with self.subTest(model=model):
                user = self.users[role]
                mark = self.audit_mark()
                rows = self.env[model].with_user(user).search_read([], ["id"], limit=5)
                self.assertTrue(rows)
                events = self.events_since(mark, model=model)
                self.assertEqual(events.mapped("action"), ["read"])
                self.assertEqual(events.user_id, user)

    def test_reading_billing_statistics_is_audited(self):
        self.env["account.chart.template"].try_loading(
            "generic_coa", self.clinic_a, install_demo=False
        )
        Charge = self.env["hms.charge"]
        product = self.env["product.product"].create(
            {"name": "Audit dressing", "type": "service", "taxes_id": False}
        )
        values = {
            "res_model": "hms.patient",
            "res_id": self.patient_a.id,
            "name": "Dressing",
            "patient_id": self.patient_a.id,
            "company_id": self.clinic_a.id,
            "product_id": product.id,
            "price_unit": 15.0,
        }
        Charge.create({**values, "code": "audit-billed"})._hms_invoice(post=True)
        Charge.create({**values, "code": "audit-to-bill"})
        clerk = self.users["billing_clerk"]
        for model in BILLING_REPORTS:
            with self.subTest(model=model):
                mark = self.audit_mark()
                rows = self.env[model].with_user(clerk).search_read([], ["id"], limit=5)
                self.assertTrue(rows)
                events = self.events_since(mark, model=model)
                self.assertEqual(events.mapped("action"), ["read"])
                self.assertEqual(events.user_id, clerk)
