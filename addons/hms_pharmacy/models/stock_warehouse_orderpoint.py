from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class StockWarehouseOrderpoint(models.Model):
    _inherit = "stock.warehouse.orderpoint"

    hms_is_below_minimum = fields.Boolean(
        "Below Minimum",
        compute="_compute_hms_is_below_minimum",
        search="_search_hms_is_below_minimum",
    )

    @api.depends("qty_forecast", "product_min_qty")
    def _compute_hms_is_below_minimum(self):
        for orderpoint in self:
            orderpoint.hms_is_below_minimum = (
                float_compare(
                    orderpoint.qty_forecast,
                    orderpoint.product_min_qty,
                    precision_rounding=orderpoint.product_uom.rounding,
                )
                < 0
            )

    def _search_hms_is_below_minimum(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search 'Below Minimum' with = True or = False."))
        below = self.search([("trigger", "in", ("auto", "manual"))]).filtered(
            "hms_is_below_minimum"
        )
        return [("id", "in" if (operator == "=") == value else "not in", below.ids)]

    @api.model
    def _cron_hms_low_stock_alerts(self):
        """A to-do for the clinic's pharmacists on each medicine below its minimum."""
        pharmacists = (
            self.env.ref("hms_base.group_hms_pharmacist").sudo().users
            - self.env.ref("hms_base.group_hms_doctor").sudo().users
        )
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        orderpoints = (
            self.sudo()
            .search([("product_id.hms_is_medicine", "=", True)])
            .filtered("hms_is_below_minimum")
        )
        for orderpoint in orderpoints:
            template = orderpoint.product_id.product_tmpl_id
            pending = template.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            ).user_id
            for user in (
                pharmacists.filtered(lambda u, op=orderpoint: op.company_id in u.company_ids)
                - pending
            ):
                template.activity_schedule(
                    activity_type_id=activity_type.id,
                    summary=self.env._(
                        "Low stock at %(clinic)s: %(qty)s left, minimum %(min)s",
                        clinic=orderpoint.company_id.name,
                        qty=orderpoint.qty_forecast,
                        min=orderpoint.product_min_qty,
                    ),
                    user_id=user.id,
                )
        return orderpoints
