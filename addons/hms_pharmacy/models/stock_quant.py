from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _get_gather_domain(  # noqa: PLR0917 (stock's signature)
        self, product_id, location_id, lot_id=None, package_id=None, owner_id=None, strict=False
    ):
        domain = super()._get_gather_domain(
            product_id, location_id, lot_id, package_id, owner_id, strict
        )
        # Dispensing: only lots that last the course (context set by the prescription).
        usable_until = self.env.context.get("hms_lot_usable_until")
        if usable_until:
            domain = expression.AND(
                [
                    domain,
                    ["|", ("expiration_date", "=", False), ("expiration_date", ">", usable_until)],
                ]
            )
        return domain

    @api.model
    def action_hms_near_expiry(self):
        """Medicine stock of the current clinic expiring within its near-expiry days."""
        company = self.env.company
        limit = fields.Datetime.now() + timedelta(days=company.hms_near_expiry_days)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hms_pharmacy.stock_quant_action_near_expiry"
        )
        action["domain"] = [
            ("product_id.hms_is_medicine", "=", True),
            ("location_id.usage", "=", "internal"),
            ("company_id", "=", company.id),
            ("quantity", ">", 0),
            ("expiration_date", "<=", limit),
        ]
        return action

    def action_hms_scrap_expired(self):
        """Dispose of expired medicine stock through Odoo's scrap."""
        now = fields.Datetime.now()
        expired = self.filtered(
            lambda q: q.expiration_date and q.expiration_date <= now and q.quantity > 0
        )
        if not expired or expired != self:
            raise UserError(self.env._("Select expired stock only: it is what gets scrapped."))
        scraps = self.env["stock.scrap"].create(
            [
                {
                    "product_id": quant.product_id.id,
                    "lot_id": quant.lot_id.id,
                    "scrap_qty": quant.quantity - quant.reserved_quantity,
                    "product_uom_id": quant.product_uom_id.id,
                    "location_id": quant.location_id.id,
                    "company_id": quant.company_id.id,
                    "origin": self.env._("Expired"),
                }
                for quant in expired
                if quant.quantity > quant.reserved_quantity
            ]
        )
        for scrap in scraps:
            scrap.action_validate()
        return scraps
