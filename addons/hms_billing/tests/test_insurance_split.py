from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import HmsBillingCase


@tagged("post_install", "-at_install")
class TestInsuranceSplit(HmsBillingCase):
    """Coverage, then the co-pay (once per encounter), then the yearly cap of the policy."""

    @classmethod
    def setup_hms(cls):
        super().setup_hms()
        cls.clinic_a.hms_invoice_on_close = "manual"

    def setUp(self):
        super().setUp()
        self.encounter = self.open_encounter()
        self.code = 0

    def charge(self, price, date="2026-03-02", encounter=None, quantity=1.0):
        self.code += 1
        encounter = encounter or self.encounter
        return self.env["hms.charge"].create(
            {
                "res_model": "hms.encounter",
                "res_id": encounter.id,
                "code": f"split-{self.code}",
                "name": f"Service {self.code}",
                "patient_id": self.patient_a.id,
                "encounter_id": encounter.id,
                "company_id": self.clinic_a.id,
                "product_id": self.fee.id,
                "date": date,
                "quantity": quantity,
                "price_unit": price,
            }
        )

    def shares(self, charges):
        """{share: [amount per charge]} of the invoice lines of ``charges``."""
        result = {"payer": [], "patient": []}
        for charge in charges:
            for share, amounts in result.items():
                lines = charge.invoice_line_ids.filtered(
                    lambda line, s=share: line.move_id.hms_share == s
                )
                amounts.append(sum(lines.mapped("price_subtotal")))
        return result

    def test_coverage_and_co_pay_above_bounds_are_refused(self):
        policy = self.insure(coverage=80.0)
        with self.assertRaisesMessage(ValidationError, r"^Coverage \(%\)"):
            policy.coverage_percent = 100.5
        with self.assertRaisesMessage(ValidationError, "^Co-pay and Yearly Cap"):
            policy.copay_amount = -5.0
        with self.assertRaisesMessage(ValidationError, "^Co-pay and Yearly Cap"):
            policy.cap_amount = -1.0
        with self.assertRaisesMessage(ValidationError, "^Co-pay and Yearly Cap"):
            self.insure(patient=self.patient_dependant, copay_amount=-1.0)
        self.assertEqual(
            (policy.coverage_percent, policy.copay_amount, policy.cap_amount), (80.0, 0.0, 0.0)
        )

    def test_without_co_pay_or_cap_the_coverage_splits(self):
        self.insure(coverage=80.0)
        charge = self.charge(50.0)
        charge._hms_invoice()
        self.assertEqual(self.shares(charge), {"payer": [40.0], "patient": [10.0]})
        self.assertEqual(charge.invoice_line_ids.mapped("hms_copay_amount"), [0.0, 0.0])

    def test_co_pay_is_paid_once_per_encounter(self):
        policy = self.insure(coverage=80.0, copay_amount=10.0)
        consultation, test = self.charge(50.0), self.charge(30.0)
        (consultation | test)._hms_invoice()
        self.assertEqual(
            self.shares(consultation | test), {"payer": [30.0, 24.0], "patient": [20.0, 6.0]}
        )
        patient_lines = (consultation | test).invoice_line_ids.filtered(
            lambda line: line.move_id.hms_share == "patient"
        )
        self.assertEqual(sum(patient_lines.mapped("hms_copay_amount")), 10.0)
        self.assertEqual(policy._hms_copay_applied(consultation), 10.0)
        # A later charge of the same encounter: the co-pay was paid.
        medicine = self.charge(20.0)
        medicine._hms_invoice()
        self.assertEqual(self.shares(medicine), {"payer": [16.0], "patient": [4.0]})
        # Another encounter: another co-pay.
        other = self.charge(20.0, encounter=self.open_encounter())
        other._hms_invoice()
        self.assertEqual(self.shares(other), {"payer": [6.0], "patient": [14.0]})

    def test_co_pay_above_the_insurer_share_leaves_it_all_to_the_patient(self):
        self.insure(coverage=10.0, copay_amount=20.0)
        first = self.charge(50.0)
        invoices = first._hms_invoice()
        self.assertEqual(invoices.mapped("hms_share"), ["patient"])
        self.assertEqual(self.shares(first), {"payer": [0.0], "patient": [50.0]})
        # The 5.00 of co-pay this charge took counts; 15.00 remain for the encounter.
        second = self.charge(200.0)
        second._hms_invoice()
        self.assertEqual(self.shares(second), {"payer": [5.0], "patient": [195.0]})

    def test_rounding_keeps_every_cent(self):
        self.insure(coverage=33.33, copay_amount=1.25)
        charge = self.charge(10.01)
        charge._hms_invoice()
        # 33.33 % of 10.01 is 3.336...: 3.34 to the insurer, less the 1.25 co-pay.
        self.assertEqual(self.shares(charge), {"payer": [2.09], "patient": [7.92]})
        three = self.charge(3.33, quantity=3, encounter=self.open_encounter())
        three._hms_invoice()
        payer, patient = self.shares(three).values()
        self.assertAlmostEqual(payer[0] + patient[0], 9.99, places=2)
        # 2.08 is not 3 x a unit price of 2 decimals: the line bills one unit of 2.08.
        self.assertEqual((payer, patient), ([2.08], [7.91]))

    def test_cap_is_reached_across_two_invoices_and_resets_each_year(self):
        policy = self.insure(coverage=100.0, cap_amount=80.0)
        first = self.charge(50.0, date="2026-02-01")
        first._hms_invoice(post=True)
        self.assertEqual(self.shares(first), {"payer": [50.0], "patient": [0.0]})
        second = self.charge(50.0, date="2026-05-01", encounter=self.open_encounter())
        second._hms_invoice(post=True)
        self.assertEqual(self.shares(second), {"payer": [30.0], "patient": [20.0]})
        self.assertEqual(policy._hms_insurer_billed(2026), 80.0)
        third = self.charge(50.0, date="2026-06-01", encounter=self.open_encounter())
        invoices = third._hms_invoice()
        self.assertEqual(invoices.mapped("hms_share"), ["patient"])
        next_year = self.charge(50.0, date="2027-01-04", encounter=self.open_encounter())
        next_year._hms_invoice()
        self.assertEqual(self.shares(next_year), {"payer": [50.0], "patient": [0.0]})

    def test_cap_counts_the_charges_of_one_batch_and_credit_notes_give_it_back(self):
        policy = self.insure(coverage=100.0, cap_amount=80.0)
        first, second = self.charge(50.0), self.charge(50.0)
        invoices = (first | second)._hms_invoice(post=True)
        self.assertEqual(
            self.shares(first | second), {"payer": [50.0, 30.0], "patient": [0.0, 20.0]}
        )
        payer_invoice = invoices.filtered(lambda move: move.hms_share == "payer")
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=payer_invoice.ids)
            .create({"journal_id": payer_invoice.journal_id.id, "reason": "Wrong policy"})
        )
        reversal.refund_moves()
        payer_invoice.reversal_move_ids.action_post()
        self.assertEqual(policy._hms_insurer_billed(2026), 0.0)

    def test_a_policy_expired_on_the_day_of_service_pays_nothing(self):
        self.insure(coverage=80.0, copay_amount=5.0, cap_amount=100.0, date_end="2025-12-31")
        charge = self.charge(50.0, date="2026-01-01")
        invoices = charge._hms_invoice()
        self.assertEqual(invoices.partner_id, self.patient_a.partner_id)
        self.assertEqual(self.shares(charge), {"payer": [0.0], "patient": [50.0]})
        self.assertFalse(charge.invoice_line_ids.hms_policy_id)
        # Valid on the day of service (even if expired since): the insurer pays its share.
        earlier = self.charge(50.0, date="2025-12-31", encounter=self.open_encounter())
        earlier._hms_invoice()
        self.assertEqual(self.shares(earlier), {"payer": [35.0], "patient": [15.0]})
