import uuid
from datetime import timedelta

from psycopg2 import errors

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_lab.tests.common import HmsLabCommon

from .common import HmsBillingCase


class PackageCommon(HmsBillingCase, HmsLabCommon):
    def setUp(self):
        super().setUp()
        self.clinic_a.hms_invoice_on_close = "draft"
        self.lab_price = self.env["product.product"].create(
            {"name": "Haemoglobin test", "type": "service", "list_price": 8.0, "taxes_id": False}
        )
        self.test_hgb.product_id = self.lab_price
        self.package_product = self.env["product.product"].create(
            {
                "name": "Antenatal package",
                "type": "service",
                "list_price": 180.0,
                "taxes_id": False,
            }
        )
        self.antenatal = self.template()

    def template(self, company=None, consultations=4, tests=2, user=None, **values):
        return (
            self.env["hms.billing.package"]
            .with_user(user or self.env.user)
            .create(
                {
                    "name": "Antenatal care",
                    "company_id": (company or self.clinic_a).id,
                    "product_id": self.package_product.id,
                    "price": 180.0,
                    "validity_days": 280,
                    "line_ids": [
                        Command.create({"product_id": self.fee.id, "quantity": consultations}),
                        Command.create({"product_id": self.lab_price.id, "quantity": tests}),
                    ],
                    **values,
                }
            )
        )

    def sell(self, package=None, patient=None, user=None, **values):
        return (
            self.env["hms.patient.package"]
            .with_user(user or self.billing_clerk)
            .create(
                {
                    "patient_id": (patient or self.patient_a).id,
                    "package_id": (package or self.antenatal).id,
                    **values,
                }
            )
        )

    def of_patient_a(self, domain):
        return self.env["hms.patient.package"].search(
            [("patient_id", "=", self.patient_a.id), *domain]
        )

    def consumption(self, sold):
        return {line.product_id: line.consumed_qty for line in sold.line_ids}


@tagged("post_install", "-at_install")
class TestPackage(PackageCommon):
    def test_selling_charges_the_package_price_once(self):
        sold = self.sell()
        self.assertEqual(sold.state, "active")
        self.assertEqual(sold.date_end, sold.date_start + timedelta(days=279))
        self.assertEqual(
            [(li.product_id, li.quantity, li.remaining_qty) for li in sold.line_ids],
            [(self.fee, 4.0, 4.0), (self.lab_price, 2.0, 2.0)],
        )
        charge = sold.sale_charge_id
        self.assertEqual(charge.reference, f"hms.patient.package,{sold.id},package")
        self.assertEqual((charge.product_id, charge.amount), (self.package_product, 180.0))
        self.assertEqual((charge.state, charge.patient_package_id.id), ("to_bill", False))
        self.assertEqual(sold._hms_charge(), charge, "charged once")
        invoice = charge._hms_invoice(post=True)
        self.assertEqual(invoice.amount_total, 180.0)
        # Later changes to the template leave the sold package as it was.
        self.antenatal.line_ids[0].quantity = 6
        self.assertEqual(sold.line_ids[0].quantity, 4.0)

    def test_covered_charges_are_consumed_and_never_billed(self):
        sold = self.sell()
        encounters = self.closed_encounter() | self.closed_encounter()
        consultations = self.env["hms.charge"].search([("encounter_id", "in", encounters.ids)])
        self.assertEqual(set(consultations.mapped("state")), {"covered"})
        self.assertEqual(consultations.patient_package_id, sold)
        self.assertEqual(consultations.mapped("amount"), [50.0, 50.0], "priced for reporting")
        self.assertFalse(consultations.invoice_line_ids, "closing invoiced nothing")
        self.assertEqual(
            self.env["hms.charge"]._hms_bill_encounters(encounters.ids), self.env["account.move"]
        )
        with self.assertRaisesMessage(UserError, "Nothing to invoice"):
            consultations._hms_invoice()
        self.assertEqual(encounters.mapped("billing_state"), ["none", "none"])
        # A released test the package covers is consumed too; one it does not cover is billed.
        order = self.released()
        lab = self.env["hms.charge"].search(
            [("res_model", "=", "hms.lab.result"), ("res_id", "in", order.result_ids.ids)]
        )
        covered = lab.filtered(lambda c: c.product_id == self.lab_price)
        self.assertEqual(covered.state, "covered")
        self.assertEqual(self.consumption(sold), {self.fee: 2.0, self.lab_price: 1.0})
        self.assertEqual(sold.line_ids.mapped("remaining_qty"), [2.0, 1.0])
        self.assertEqual(sold.state, "active")
        # Another patient's consultations are billed as usual.
        other = self.charges_of(self.closed_encounter(patient=self.patient_dependant))
        self.assertEqual((other.state, other.patient_package_id.id), ("invoiced", False))

    def test_used_up_package_bills_the_next_charge_and_waiver_gives_back(self):
        sold = self.sell(self.template(consultations=1, tests=1, name="Short"))
        first = self.charges_of(self.closed_encounter())
        second = self.charges_of(self.closed_encounter())
        self.assertEqual((first.state, second.state), ("covered", "invoiced"))
        self.assertEqual(sold.line_ids.mapped("remaining_qty"), [0.0, 1.0])
        # Waiving the covered consultation gives the package its unit back.
        first.with_user(self.billing_clerk)._action_waive("Seen by mistake")
        self.assertEqual(first.state, "waived")
        self.assertEqual(sold.line_ids.mapped("remaining_qty"), [1.0, 1.0])
        third = self.charges_of(self.closed_encounter())
        self.assertEqual(third.state, "covered")
        self.assertEqual(self.of_patient_a([("state", "=", "active")]), sold)
        self.released()
        self.assertEqual(sold.state, "consumed")
        self.assertEqual(self.of_patient_a([("state", "=", "consumed")]), sold)

    def test_expired_package_covers_nothing(self):
        start = fields.Date.today() - timedelta(days=300)
        sold = self.sell(date_start=start)
        self.assertEqual(sold.state, "expired")
        self.assertEqual(self.of_patient_a([("state", "=", "expired")]), sold)
        self.assertFalse(self.of_patient_a([("state", "in", ["active"])]))
        charge = self.charges_of(self.closed_encounter())
        self.assertEqual((charge.state, charge.patient_package_id.id), ("invoiced", False))
        self.assertEqual(self.consumption(sold), {self.fee: 0.0, self.lab_price: 0.0})


@tagged("post_install", "-at_install")
class TestPackageBadInput(PackageCommon):
    def test_bad_templates_are_refused(self):
        manager = self.env["hms.billing.package"].with_user(self.manager)
        count = manager.search_count([])
        for values, message in (
            ({"price": 0.0}, "Price: must be more than zero"),
            ({"price": -5.0}, "Price: must be more than zero"),
            ({"validity_days": 0}, "Validity .Days.: must be more than zero"),
            ({"line_ids": []}, "covers no service"),
            (
                {"line_ids": [Command.create({"product_id": self.fee.id, "quantity": -1})]},
                "Quantity: must be more than zero",
            ),
            (
                {"line_ids": [Command.create({"product_id": self.fee.id, "quantity": 0})]},
                "Quantity: must be more than zero",
            ),
        ):
            with self.subTest(values=values), self.assertRaisesMessage(ValidationError, message):
                self.template(user=self.manager, **values)
        with self.assertRaisesMessage(ValidationError, "Price: must be more than zero"):
            self.antenatal.with_user(self.manager).price = 0
        self.assertEqual(manager.search_count([]), count)
        self.assertEqual(self.antenatal.price, 180.0)

    def test_bad_sales_are_refused_and_nothing_is_written(self):
        archived = self.template(name="Old antenatal", active=False)
        elsewhere = self.template(company=self.clinic_b, name="Hillside antenatal")
        Sold = self.env["hms.patient.package"]
        Charge = self.env["hms.charge"]
        before = (Sold.search_count([]), Charge.search_count([]))
        for package, patient, message in (
            (archived, self.patient_a, "archived: it is no longer sold"),
            (
                elsewhere,
                self.patient_a,
                "is sold at Test Clinic B; .* is a patient of Test Clinic A",
            ),
            (
                self.antenatal,
                self.patient_b,
                "is sold at Test Clinic A; .* patient of Test Clinic B",
            ),
        ):
            with self.subTest(message), self.assertRaisesMessage(ValidationError, message):
                self.sell(package, patient, user=self.env.user)
        with self.assertRaisesMessage(ValidationError, "Choose the patient and the package"):
            Sold.create({"patient_id": self.patient_a.id})
        self.assertEqual((Sold.search_count([]), Charge.search_count([])), before)
        sold = self.sell()
        with self.assertRaisesMessage(UserError, "keeps its patient"):
            sold.patient_id = self.patient_dependant
        with self.assertRaisesMessage(UserError, "never deleted"):
            sold.sudo().unlink()


@tagged("post_install", "-at_install", "hms_access")
class TestPackageAccess(PackageCommon):
    def test_billing_clerk_sells_packages_of_their_clinic(self):
        sold = self.sell()
        self.assertEqual(sold.create_uid, self.billing_clerk)
        clerk_view = self.patient_a.with_user(self.billing_clerk)
        self.assertEqual(clerk_view.patient_package_count, 1)
        action = clerk_view.action_view_patient_packages()
        self.assertEqual(action["context"]["default_patient_id"], self.patient_a.id)
        sold.with_user(self.billing_clerk).note = "Due in June"
        # Sold from the patient's button, the way the clerk does it.
        dependant = self.patient_dependant.with_user(self.billing_clerk)
        action = dependant.action_view_patient_packages()
        form = Form(
            self.env["hms.patient.package"]
            .with_user(self.billing_clerk)
            .with_context(action["context"])
        )
        form.package_id = self.antenatal
        from_form = form.save()
        self.assertEqual(from_form.patient_id, self.patient_dependant)
        self.assertEqual(from_form.sale_charge_id.amount, 180.0)
        self.assertEqual(len(from_form.line_ids), 2)
        self.assertTrue(sold.with_user(self.billing_clerk).line_ids.read(["remaining_qty"]))
        # Templates are the manager's: the clerk reads them, never edits them.
        self.assertTrue(self.antenatal.with_user(self.billing_clerk).read(["name"]))
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            self.antenatal.with_user(self.billing_clerk).write({"price": 1.0})
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            self.template().with_user(self.billing_clerk).copy()
        self.antenatal.with_user(self.manager).write({"price": 190.0})
        # Other clinics' packages stay out of sight.
        other = self.template(company=self.clinic_b, name="Hillside antenatal")
        other_sold = self.env["hms.patient.package"].create(
            {"patient_id": self.patient_b.id, "package_id": other.id}
        )
        Sold = self.env["hms.patient.package"].with_user(self.billing_clerk)
        self.assertEqual(Sold.search([]), sold | from_form)
        self.assertFalse(
            self.env["hms.billing.package"]
            .with_user(self.billing_clerk)
            .search([("id", "=", other.id)])
        )
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            other_sold.with_user(self.billing_clerk).read(["name"])

    def test_clinical_and_front_desk_roles_see_no_package(self):
        sold = self.sell()
        for role in ("doctor", "nurse", "receptionist", "pharmacist", "lab_technician"):
            user = self.users[role]
            with self.subTest(role=role), mute_logger("odoo.addons.base.models.ir_model"):
                with self.assertRaises(AccessError):
                    sold.with_user(user).read(["name"])
                with self.assertRaises(AccessError):
                    self.antenatal.with_user(user).read(["name"])
                with self.assertRaises(AccessError):
                    self.sell(user=user)
        self.assertEqual(self.of_patient_a([]), sold)


@tagged("post_install", "-at_install")
class TestPackageConcurrency(TransactionCase):
    """Two transactions taking the last unit of a package at once: one charge is covered.

    Runs on committed demo data, with real cursors, and removes what it committed.
    """

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def setUp(self):
        super().setUp()
        with_package = self.env["hms.patient.package"].search([]).patient_id
        encounter = self.env["hms.encounter"].search(
            [("state", "=", "closed"), ("patient_id", "not in", with_package.ids)], limit=1
        )
        if not encounter:
            self.skipTest("needs the demo consultations")
        self.code = f"test-{uuid.uuid4().hex[:8]}"
        self.addCleanup(self._purge)
        product = encounter.practitioner_id.consultation_product_id
        with self.registry.cursor() as cr:
            env = self._env(cr)
            template = env["hms.billing.package"].create(
                {
                    "name": self.code,
                    "company_id": encounter.company_id.id,
                    "product_id": product.id,
                    "price": 10.0,
                    "line_ids": [Command.create({"product_id": product.id, "quantity": 1})],
                }
            )
            sold = env["hms.patient.package"].create(
                {"patient_id": encounter.patient_id.id, "package_id": template.id}
            )
            self.line_id = sold.line_ids.id
        self.vals = {
            "res_model": "hms.encounter",
            "res_id": encounter.id,
            "name": "Follow-up",
            "patient_id": encounter.patient_id.id,
            "company_id": encounter.company_id.id,
            "product_id": product.id,
            "price_unit": 12.0,
        }

    def _purge(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT id FROM hms_patient_package WHERE package_id IN "
                "(SELECT id FROM hms_billing_package WHERE name->>'en_US' = %s)",
                [self.code],
            )
            sold_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
            cr.execute(
                "DELETE FROM hms_charge WHERE code LIKE %s OR (res_model = 'hms.patient.package' "
                "AND res_id IN %s)",
                [f"{self.code}%", sold_ids],
            )
            cr.execute(
                "DELETE FROM hms_patient_package_line WHERE patient_package_id IN %s", [sold_ids]
            )
            cr.execute("DELETE FROM hms_patient_package WHERE id IN %s", [sold_ids])
            cr.execute("DELETE FROM hms_billing_package WHERE name->>'en_US' = %s", [self.code])

    def test_the_last_unit_covers_one_charge(self):
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1, env2 = self._env(cr1), self._env(cr2)
            # The second transaction's snapshot is taken first: the unit is still there.
            self.assertEqual(env2["hms.patient.package.line"].browse(self.line_id).remaining_qty, 1)
            first = env1["hms.charge"]._hms_record([{**self.vals, "code": f"{self.code}-1"}])
            self.assertEqual(first.state, "covered")
            cr1.commit()
            # It waits for the first one's lock, then PostgreSQL refuses its stale snapshot;
            # the server retries such a request ...
            with mute_logger("odoo.sql_db"), self.assertRaises(errors.SerializationFailure):
                env2["hms.charge"]._hms_record([{**self.vals, "code": f"{self.code}-2"}])
            cr2.rollback()
        # ... and the retry finds the package used up: the charge is billed.
        with self.registry.cursor() as cr:
            second = self._env(cr)["hms.charge"]._hms_record(
                [{**self.vals, "code": f"{self.code}-2"}]
            )
            self.assertEqual((second.state, second.patient_package_id.id), ("to_bill", False))
            cr.commit()
