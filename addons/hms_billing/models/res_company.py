from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hms_invoice_on_close = fields.Selection(
        [("manual", "Manually"), ("draft", "Draft Invoice"), ("posted", "Posted Invoice")],
        "Invoice on Closing",
        default="draft",
        required=True,
        help="What closing an encounter does with its charges.",
    )

    def _hms_can_invoice(self):
        """Whether the clinic's accounting is set up: it has a sales journal."""
        self.ensure_one()
        return bool(
            self.env["account.journal"]
            .sudo()
            .search_count([("company_id", "=", self.id), ("type", "=", "sale")], limit=1)
        )
