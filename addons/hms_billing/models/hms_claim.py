import base64
import csv
import io
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class HmsClaim(models.Model):
    """The posted insurer invoices of one clinic and insurer over a period, claimed together.

    The insurer answers each line: accepted, partly accepted or denied. What it does not pay is
    credited on its invoice and either re-billed to the patient or written off with a reason.
    """

    _name = "hms.claim"
    _description = "Insurance Claim"
    _inherit = ["hms.clinic.numbered.mixin", "mail.thread"]
    _order = "date_to desc, id desc"
    _check_company_auto = True

    name = fields.Char("Number", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", "Clinic", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    payer_id = fields.Many2one(
        "res.partner", "Insurer", required=True, index=True, tracking=True, check_company=True
    )
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To", required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("accepted", "Accepted"),
            ("partial", "Partly Accepted"),
            ("denied", "Denied"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
    )
    line_ids = fields.One2many("hms.claim.line", "claim_id", "Lines", copy=False)
    amount_claimed = fields.Monetary(compute="_compute_amounts", store=True)
    amount_accepted = fields.Monetary(compute="_compute_amounts", store=True)
    note = fields.Text()

    @api.depends("line_ids.amount_claimed", "line_ids.amount_accepted")
    def _compute_amounts(self):
        for claim in self:
            claim.amount_claimed = sum(claim.line_ids.mapped("amount_claimed"))
            claim.amount_accepted = sum(claim.line_ids.mapped("amount_accepted"))

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for claim in self:
            if claim.date_to < claim.date_from:
                raise ValidationError(self.env._("To: the period cannot end before it starts."))

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(claim.state != "draft" for claim in self):
            raise UserError(self.env._("Only a draft claim is deleted."))

    # ------------------------------------------------------------------ actions
    def action_submit(self):
        """Send the claim to the insurer: its lines then wait for the insurer's answer."""
        for claim in self:
            if claim.state != "draft":
                raise UserError(self.env._("Only a draft claim is submitted."))
            if not claim.line_ids:
                raise UserError(self.env._("%(claim)s has no lines to claim.", claim=claim.name))
        self.write({"state": "submitted"})

    def action_open_answer_wizard(self):
        """Answer the lines still waiting for the insurer."""
        self.ensure_one()
        pending = self.line_ids.filtered(lambda line: line.state == "pending")
        if not pending:
            raise UserError(self.env._("Every line of %(claim)s is answered.", claim=self.name))
        return pending.action_open_answer()

    def action_export_csv(self):
        """Attach the claim as a CSV file to the claim and download it."""
        self.ensure_one()
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name.replace('/', '-')}.csv",
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "text/csv",
                "datas": base64.b64encode(self._hms_csv().encode()),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------ business
    def _hms_csv(self):
        """The claim's lines as CSV text, one row per claimed invoice line."""
        self.ensure_one()
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow(
            [
                "claim",
                "clinic",
                "insurer",
                "invoice",
                "patient",
                "service",
                "date",
                "amount_claimed",
                "amount_accepted",
                "state",
                "denial_reason",
            ]
        )
        states = dict(self.env["hms.claim.line"]._fields["state"]._description_selection(self.env))
        for line in self.line_ids:
            writer.writerow(
                [
                    self.name,
                    self.company_id.name,
                    self.payer_id.name,
                    line.move_id.name,
                    line.patient_id.name,
                    line.product_id.display_name,
                    line.date,
                    line.amount_claimed,
                    line.amount_accepted,
                    states[line.state],
                    line.denial_reason or "",
                ]
            )
        return output.getvalue()

    def _hms_update_state(self):
        """Accepted, partly accepted or denied once the insurer answered every line."""
        for claim in self.filtered(lambda c: c.state != "draft"):
            answers = set(claim.line_ids.mapped("state"))
            if "pending" in answers:
                state = "submitted"
            elif answers == {"accepted"}:
                state = "accepted"
            elif answers == {"denied"}:
                state = "denied"
            else:
                state = "partial"
            if claim.state != state:
                claim.state = state

    @api.model
    def _hms_claimable_invoices(self, date_from, date_to):
        """Posted insurer invoices of the user's clinics dated in the period, not yet claimed."""
        return self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("hms_share", "=", "payer"),
                ("state", "=", "posted"),
                ("company_id", "in", self.env.companies.ids),
                ("invoice_date", ">=", date_from),
                ("invoice_date", "<=", date_to),
                ("line_ids", "not any", [("hms_claim_line_ids", "!=", False)]),
            ]
        )

    @api.model
    def _hms_create_claims(self, date_from, date_to):
        """One claim per insurer and clinic of the invoices claimable in the period."""
        invoices = self._hms_claimable_invoices(date_from, date_to)
        if not invoices:
            raise UserError(
                self.env._(
                    "No posted insurer invoice left to claim from %(start)s to %(end)s.",
                    start=date_from,
                    end=date_to,
                )
            )
        return self._hms_create_from_invoices(invoices, date_from, date_to)

    @api.model
    def _hms_create_from_invoices(self, invoices, date_from=None, date_to=None):
        """Claims of these posted insurer invoices, one per insurer and clinic; the period is
        the invoices' own when not given."""
        for invoice in invoices:
            if invoice.move_type != "out_invoice" or invoice.hms_share != "payer":
                raise UserError(
                    self.env._(
                        "%(invoice)s is not an insurer's invoice: only those are claimed.",
                        invoice=invoice.display_name,
                    )
                )
            if invoice.state != "posted":
                raise UserError(
                    self.env._(
                        "%(invoice)s is not posted: post it before claiming it.",
                        invoice=invoice.display_name,
                    )
                )
            claimed = invoice.invoice_line_ids.sudo().hms_claim_line_ids.claim_id
            if claimed:
                raise UserError(
                    self.env._(
                        "%(invoice)s is already claimed in %(claim)s.",
                        invoice=invoice.display_name,
                        claim=", ".join(claimed.mapped("name")),
                    )
                )
        by_claim = defaultdict(lambda: self.env["account.move"])
        for invoice in invoices:
            by_claim[(invoice.partner_id.commercial_partner_id, invoice.company_id)] |= invoice
        claims = self.browse()
        for (payer, company), moves in by_claim.items():
            dates = moves.mapped("invoice_date")
            lines = moves.invoice_line_ids.filtered(
                lambda line: line.display_type == "product"
            ).sorted(lambda line: (line.hms_service_date or line.date, line.move_id.id, line.id))
            claims |= self.create(
                {
                    "company_id": company.id,
                    "payer_id": payer.id,
                    "date_from": date_from or min(dates),
                    "date_to": date_to or max(dates),
                    "line_ids": [
                        fields.Command.create({"move_line_id": line.id}) for line in lines
                    ],
                }
            )
        return claims
