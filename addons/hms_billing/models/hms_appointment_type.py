from odoo import fields, models


class HmsAppointmentType(models.Model):
    _inherit = "hms.appointment.type"

    product_id = fields.Many2one(
        "product.product",
        "Fee",
        domain=[("type", "=", "service")],
        help="The service charged for a consultation of this type; the practitioner's "
        "consultation fee when empty.",
    )
