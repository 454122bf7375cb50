from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Patients' numbers are stored in E.164: the front desk finds them by equality.
    phone = fields.Char(index="btree_not_null")
    mobile = fields.Char(index="btree_not_null")
    hms_patient_ids = fields.One2many("hms.patient", "partner_id", "Patient Records")
