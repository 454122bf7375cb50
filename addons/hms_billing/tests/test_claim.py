import csv
import io

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import HmsBillingCase


class ClaimCase(HmsBillingCase):
    """Insurer invoices to claim."""

    @classmethod
    def setup_hms(cls):
        super().setup_hms()
        cls.clinic_a.hms_invoice_on_close = "manual"
        cls.other_insurer = cls.env["res.partner"].create(
            {"name": "Harbour Health", "is_company": True}
        )

    def setUp(self):
        super().setUp()
        self.code = 0
        self.today = fields.Date.context_today(self.env["hms.claim"])

    def invoices(self, *prices, patient=None, post=True):
        """Charges of ``prices`` of one encounter, invoiced (posted): {share: invoice}."""
        patient = patient or self.patient_a
        encounter = self.open_encounter(patient=patient)
        charges = self.env["hms.charge"]
        for price in prices:
            self.code += 1
            charges |= self.env["hms.charge"].create(
                {
                    "res_model": "hms.encounter",
                    "res_id": encounter.id,
                    "code": f"claim-{self.code}",
                    "name": f"Service {self.code}",
                    "patient_id": patient.id,
                    "encounter_id": encounter.id,
                    "company_id": patient.company_id.id,
                    "product_id": self.fee.id,
                    "price_unit": price,
                }
            )
        moves = charges._hms_invoice(post=post)
        return {move.hms_share: move for move in moves}

    def claim(self, *prices, coverage=80.0):
        """A submitted claim of one insurer invoice of ``prices``."""
        self.insure(coverage=coverage)
        payer = self.invoices(*prices)["payer"]
        claim = self.env["hms.claim"]._hms_create_from_invoices(payer)
        claim.action_submit()
        return claim


@tagged("post_install", "-at_install")
class TestClaim(ClaimCase):
    # ------------------------------------------------------------------ batching
    def test_create_claims_batches_insurer_invoices_per_insurer_and_clinic(self):
        self.insure(coverage=80.0)
        first = self.invoices(50.0)
        second = self.invoices(30.0, 20.0)
        self.insure(patient=self.patient_dependant, coverage=100.0, payer_id=self.other_insurer.id)
        third = self.invoices(40.0, patient=self.patient_dependant)
        self.invoices(10.0, post=False)  # a draft insurer invoice is not claimed
        wizard = Form(self.env["hms.claim.create"].with_user(self.billing_clerk))
        wizard.date_from = self.today
        wizard.date_to = self.today
        wizard.save().action_create()
        claims = self.env["hms.claim"].search([])
        self.assertEqual(len(claims), 2)
        prairie = claims.filtered(lambda c: c.payer_id == self.insurer)
        harbour = claims.filtered(lambda c: c.payer_id == self.other_insurer)
        self.assertEqual(prairie.line_ids.move_id, first["payer"] | second["payer"])
        self.assertEqual(prairie.line_ids.mapped("amount_claimed"), [40.0, 24.0, 16.0])
        self.assertEqual(prairie.amount_claimed, 80.0)
        self.assertEqual(harbour.line_ids.move_id, third["payer"])
        self.assertEqual(harbour.line_ids.patient_id, self.patient_dependant)
        self.assertEqual(
            prairie.line_ids.charge_id,
            second["payer"].invoice_line_ids.hms_charge_ids
            | first["payer"].invoice_line_ids.hms_charge_ids,
        )
        self.assertEqual(set(claims.mapped("state")), {"draft"})
        self.assertEqual(claims.company_id, self.clinic_a)
        self.assertTrue(all(name.startswith("CLM") for name in claims.mapped("name")))
        self.assertEqual((prairie.date_from, prairie.date_to), (self.today, self.today))
        # Everything is claimed now: the patients' invoices never are.
        with self.assertRaisesMessage(UserError, "No posted insurer invoice left to claim"):
            self.env["hms.claim"].with_user(self.billing_clerk)._hms_create_claims(
                self.today, self.today
            )

    def test_bad_invoices_are_refused_and_nothing_is_claimed(self):
        self.insure(coverage=80.0)
        moves = self.invoices(50.0)
        draft = self.invoices(30.0, post=False)["payer"]
        Claim = self.env["hms.claim"].with_user(self.billing_clerk)
        with self.assertRaisesMessage(UserError, "not posted"):
            Claim._hms_create_from_invoices(moves["payer"] | draft)
        with self.assertRaisesMessage(UserError, "not an insurer's invoice"):
            moves["patient"].with_user(self.billing_clerk).action_hms_create_claims()
        self.assertFalse(Claim.search([]))
        action = moves["payer"].with_user(self.billing_clerk).action_hms_create_claims()
        claim = Claim.browse(action["res_id"])
        with self.assertRaisesMessage(UserError, "already claimed in " + claim.name):
            Claim._hms_create_from_invoices(moves["payer"])
        self.assertEqual(Claim.search([]), claim)
        self.assertEqual(len(claim.line_ids), 1)
        with self.assertRaisesMessage(UserError, "is claimed in " + claim.name):
            moves["payer"].with_user(self.billing_clerk).button_draft()
        self.assertEqual(moves["payer"].state, "posted")

    # ------------------------------------------------------------------ answers
    def test_claim_state_follows_the_answers(self):
        claim = self.claim(50.0, 30.0, 20.0)
        self.assertEqual(claim.state, "submitted")
        first, second, third = claim.line_ids
        first._action_answer("accepted")
        self.assertEqual(claim.state, "submitted")
        second._action_answer("partial", 10.0)
        third._action_answer("denied", reason="Not covered by the plan")
        self.assertEqual(claim.state, "partial")
        self.assertEqual(
            [(line.state, line.amount_accepted) for line in claim.line_ids],
            [("accepted", 40.0), ("partial", 10.0), ("denied", 0.0)],
        )
        self.assertEqual((claim.amount_claimed, claim.amount_accepted), (80.0, 50.0))
        self.assertEqual(third.denial_reason, "Not covered by the plan")

    def test_all_accepted_or_all_denied(self):
        accepted = self.claim(50.0)
        accepted.line_ids._action_answer("accepted")
        self.assertEqual(accepted.state, "accepted")
        with self.assertRaisesMessage(UserError, "is answered"):
            accepted.action_open_answer_wizard()
        denied = self.env["hms.claim"]._hms_create_from_invoices(self.invoices(30.0)["payer"])
        denied.action_submit()
        denied.line_ids._action_answer("denied", reason="Policy lapsed")
        self.assertEqual(denied.state, "denied")

    def test_bad_answers_are_refused_and_nothing_changes(self):
        self.insure(coverage=80.0)
        draft = self.env["hms.claim"]._hms_create_from_invoices(self.invoices(50.0)["payer"])
        with self.assertRaisesMessage(UserError, "submit it before answering"):
            draft.line_ids._action_answer("accepted")
        with self.assertRaisesMessage(UserError, "has no lines"):
            self.env["hms.claim"].create(
                {"payer_id": self.insurer.id, "date_from": self.today, "date_to": self.today}
            ).action_submit()
        draft.action_submit()
        line = draft.line_ids
        for amount in (40.01, -1.0, 0.0, 40.0):
            with (
                self.subTest(amount=amount),
                self.assertRaisesMessage(ValidationError, "^Accepted amount"),
            ):
                line._action_answer("partial", amount)
        with self.assertRaisesMessage(UserError, "reason for denying"):
            line._action_answer("denied", reason=" ")
        self.assertEqual(
            (line.state, line.amount_accepted, draft.state), ("pending", 0.0, "submitted")
        )
        line._action_answer("accepted")
        with self.assertRaisesMessage(UserError, "already answered"):
            line._action_answer("denied", reason="Changed our mind")
        with self.assertRaisesMessage(UserError, "Only a denied or partly accepted line"):
            line._action_rebill()
        with self.assertRaisesMessage(UserError, "Only a draft claim is deleted"):
            draft.unlink()

    # ------------------------------------------------------------------ settlement
    def test_denied_line_is_rebilled_to_the_patient_once(self):
        claim = self.claim(50.0, coverage=100.0)
        line = claim.line_ids
        charge = line.charge_id
        payer_invoice = line.move_id
        line._action_answer("denied", reason="Not covered")
        line._action_rebill()
        credit_note = line.credit_note_id
        self.assertEqual(
            (credit_note.move_type, credit_note.state, credit_note.partner_id),
            ("out_refund", "posted", self.insurer),
        )
        self.assertEqual(credit_note.reversed_entry_id, payer_invoice)
        self.assertEqual(credit_note.amount_total, 50.0)
        self.assertEqual(payer_invoice.amount_residual, 0.0)
        patient_invoice = line.rebill_move_id
        self.assertEqual(
            (patient_invoice.partner_id, patient_invoice.hms_share, patient_invoice.state),
            (self.patient_a.partner_id, "patient", "posted"),
        )
        self.assertEqual(patient_invoice.amount_total, 50.0)
        self.assertEqual(patient_invoice.invoice_line_ids.hms_charge_ids, charge)
        self.assertEqual(line.settlement, "rebilled")
        # The charge is invoiced (to the patient now) and never billed again.
        self.assertEqual(charge.state, "invoiced")
        with self.assertRaisesMessage(UserError, "Nothing to invoice"):
            charge._hms_invoice()
        with self.assertRaisesMessage(UserError, "already re-billed or written off"):
            line._action_rebill()
        self.assertEqual(len(charge.invoice_line_ids.move_id), 2)
        self.assertIn(patient_invoice.name, claim.message_ids[0].body)

    def test_unpaid_part_of_a_partly_accepted_line_is_rebilled(self):
        claim = self.claim(50.0)
        line = claim.line_ids
        charge = line.charge_id
        wizard = Form(
            self.env["hms.claim.answer"]
            .with_user(self.billing_clerk)
            .with_context(default_line_ids=line.ids)
        )
        wizard.answer = "partial"
        wizard.amount_accepted = 25.5
        wizard.denial_reason = "Above the tariff"
        wizard.settlement = "rebilled"
        wizard.save().action_apply()
        self.assertEqual((line.state, line.amount_accepted), ("partial", 25.5))
        self.assertEqual(line.credit_note_id.amount_total, 14.5)
        self.assertEqual(line.move_id.amount_residual, 25.5)
        self.assertEqual(line.rebill_move_id.amount_total, 14.5)
        self.assertEqual(charge.state, "invoiced")
        patient_total = sum(
            charge.invoice_line_ids.filtered(
                lambda line: line.move_id.hms_share == "patient"
            ).mapped("price_subtotal")
        )
        self.assertEqual(patient_total, 10.0 + 14.5)
        self.assertEqual(claim.state, "partial")

    def test_write_off_keeps_the_reason(self):
        claim = self.claim(50.0, coverage=100.0)
        line = claim.line_ids.with_user(self.billing_clerk)
        charge = line.charge_id
        line._action_answer("denied", reason="Filed late")
        with self.assertRaisesMessage(UserError, "reason for writing the line off"):
            line._action_write_off("")
        self.assertFalse(line.credit_note_id)
        self.assertFalse(
            self.env["account.move"].search([("reversed_entry_id", "=", line.move_id.id)])
        )
        line._action_write_off("Goodwill: filing delay was ours")
        self.assertEqual(
            (line.settlement, line.write_off_reason),
            ("written_off", "Goodwill: filing delay was ours"),
        )
        self.assertEqual(line.credit_note_id.amount_total, 50.0)
        self.assertEqual(line.credit_note_id.ref, "Goodwill: filing delay was ours")
        self.assertFalse(line.rebill_move_id)
        # Written off is not billable again: the charge stays invoiced.
        self.assertEqual(charge.state, "invoiced")
        self.assertIn("Goodwill", claim.message_ids[0].body)
        with self.assertRaisesMessage(UserError, "already re-billed or written off"):
            line._action_write_off("Twice")

    def test_answers_and_write_offs_are_audited(self):
        if "hms.audit.event" not in self.env:
            self.skipTest("the audit trail is not installed")
        claim = self.claim(50.0, coverage=100.0)
        line = claim.line_ids.with_user(self.billing_clerk)
        Event = self.env["hms.audit.event"].sudo()
        Event._seal()
        mark = Event.search([], order="id desc", limit=1).id
        line._action_answer("denied", reason="Filed late")
        line._action_write_off("Goodwill")
        Event._seal()
        events = Event.search(
            [("id", ">", mark), ("model", "=", "hms.claim.line"), ("action", "=", "write")],
            order="id",
        )
        self.assertEqual(
            events.mapped("field_names"),
            [
                "amount_accepted,denial_reason,state",
                "credit_note_id,settlement,write_off_reason",
            ],
        )
        self.assertTrue(all(event.res_ids == line.ids for event in events))
        self.assertEqual(events.patient_ids, self.patient_a)
        self.assertEqual(events.user_id, self.billing_clerk)

    # ------------------------------------------------------------------ documents
    def test_csv_and_pdf(self):
        claim = self.claim(50.0, 30.0)
        claim.line_ids[1]._action_answer("denied", reason="Not covered")
        action = claim.action_export_csv()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "hms.claim"), ("res_id", "=", claim.id)]
        )
        self.assertIn(f"/web/content/{attachment.id}", action["url"])
        rows = list(csv.DictReader(io.StringIO(attachment.raw.decode())))
        self.assertEqual(len(rows), 2)
        self.assertEqual(
            [(row["patient"], row["amount_claimed"], row["state"]) for row in rows],
            [("Alice Test", "40.0", "Waiting"), ("Alice Test", "24.0", "Denied")],
        )
        self.assertEqual(rows[1]["denial_reason"], "Not covered")
        html = (
            self.env["ir.actions.report"]
            .with_user(self.billing_clerk)
            ._render_qweb_html("hms_billing.report_hms_claim", claim.ids)[0]
            .decode()
        )
        for text in (claim.name, "Prairie Mutual", "Alice Test", "Not covered", "64.00"):
            self.assertIn(text, html)


@tagged("post_install", "-at_install", "hms_access")
class TestClaimAccess(ClaimCase):
    """Billing clerks work the claims of their clinic; no other role sees them."""

    def test_billing_clerk_of_the_clinic_only(self):
        claim = self.claim(50.0)
        as_clerk = claim.with_user(self.billing_clerk)
        self.assertEqual(as_clerk.read(["amount_claimed"])[0]["amount_claimed"], 40.0)
        with Form(as_clerk) as form:
            form.note = "Sent by e-mail"
        self.assertEqual(claim.note, "Sent by e-mail")
        as_clerk.line_ids._action_answer("accepted")
        self.assertEqual(claim.state, "accepted")
        clerk_b = self._hms_user(
            "hms_test_billing_clerk_b", "hms_base.group_hms_billing_clerk", self.clinic_b
        )
        self.assertFalse(self.env["hms.claim"].with_user(clerk_b).search([]))
        self.assertFalse(self.env["hms.claim.line"].with_user(clerk_b).search([]))
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            claim.with_user(clerk_b).read(["name"])
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            claim.line_ids.with_user(clerk_b)._action_rebill()

    def test_other_roles_have_no_access(self):
        claim = self.claim(50.0)
        for role in ("doctor", "nurse", "receptionist", "pharmacist", "lab_technician"):
            user = self.users[role]
            with self.subTest(role=role), mute_logger("odoo.addons.base.models.ir_model"):
                with self.assertRaises(AccessError):
                    claim.with_user(user).read(["name"])
                with self.assertRaises(AccessError):
                    claim.line_ids.with_user(user).read(["amount_claimed"])
                with self.assertRaises(AccessError):
                    self.env["hms.claim"].with_user(user).create(
                        {
                            "payer_id": self.insurer.id,
                            "date_from": self.today,
                            "date_to": self.today,
                        }
                    )
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            claim.with_user(self.portal_patient_a).read(["name"])
