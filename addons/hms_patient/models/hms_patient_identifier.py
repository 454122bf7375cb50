from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HmsPatientIdentifier(models.Model):
    _name = "hms.patient.identifier"
    _description = "Patient Identifier"
    _order = "type_id, id"
    _rec_name = "value"
    _check_company_auto = True

    patient_id = fields.Many2one(
        "hms.patient", "Patient", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="patient_id.company_id", store=True, index=True)
    type_id = fields.Many2one("hms.patient.identifier.type", "Type", required=True)
    value = fields.Char(
        required=True,
        index=True,
        help="Stored without spaces, dashes, dots or slashes, in capitals.",
    )
    date_expiry = fields.Date("Expiry Date")

    _sql_constraints = [
        (
            "value_type_company_unique",
            "UNIQUE(type_id, value, company_id)",
            "This identifier is already registered for another patient of the clinic.",
        ),
    ]

    @api.model
    def _check_value_free(self, type_id, value, company_id, exclude_id=None):
        """Raise if ``value`` of this type is already registered in the clinic."""
        other = self.sudo().search(
            [
                ("id", "!=", exclude_id),
                ("type_id", "=", type_id),
                ("value", "=", value),
                ("company_id", "=", company_id),
            ],
            limit=1,
        )
        if other:
            raise ValidationError(
                self.env._(
                    "Identifier: %(type)s %(value)s is already registered for %(patient)s.",
                    type=other.type_id.name,
                    value=value,
                    patient=other.patient_id.display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        normalize = self.env["hms.patient"]._normalize_identifier
        for vals in vals_list:
            vals["value"] = normalize(vals.get("value"))
            patient = self.env["hms.patient"].browse(vals.get("patient_id"))
            self._check_value_free(vals.get("type_id"), vals["value"], patient.company_id.id)
        return super().create(vals_list)

    def write(self, vals):
        if "value" in vals:
            vals["value"] = self.env["hms.patient"]._normalize_identifier(vals["value"])
        if {"value", "type_id"} & vals.keys():
            for identifier in self:
                self._check_value_free(
                    vals.get("type_id", identifier.type_id.id),
                    vals.get("value", identifier.value),
                    identifier.company_id.id,
                    identifier.id,
                )
        return super().write(vals)
