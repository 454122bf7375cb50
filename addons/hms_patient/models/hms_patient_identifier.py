from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression


class HmsPatientIdentifier(models.Model):
    _name = "hms.patient.identifier"
    _description = "Patient Identifier"
    _order = "type_id, id"
    _rec_name = "value"
    _check_company_auto = True

    patient_id = fields.Many2one(
        "hms.patient", "Patient", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="patient_id.company_id", store=True, index=True, precompute=True
    )
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
    def _check_values_free(self, entries, exclude_ids=()):
        """Raise if one of ``entries`` ``(type_id, value, company_id)`` is already registered.

        One query for the whole batch.
        """
        if not entries:
            return
        domain = expression.OR(
            [("type_id", "=", type_id), ("value", "=", value), ("company_id", "=", company_id)]
            for type_id, value, company_id in entries
        )
        other = self.sudo().search(
            expression.AND([domain, [("id", "not in", list(exclude_ids))]]), limit=1, order="id"
        )
        if other:
            raise ValidationError(
                self.env._(
                    "Identifier: %(type)s %(value)s is already registered for %(patient)s.",
                    type=other.type_id.name,
                    value=other.value,
                    patient=other.patient_id.display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        normalize = self.env["hms.patient"]._normalize_identifier
        entries = []
        for vals in vals_list:
            vals["value"] = normalize(vals.get("value"))
            patient = self.env["hms.patient"].browse(vals.get("patient_id"))
            entries.append((vals.get("type_id"), vals["value"], patient.company_id.id))
        self._check_values_free(entries)
        return super().create(vals_list)

    def write(self, vals):
        if "value" in vals:
            vals["value"] = self.env["hms.patient"]._normalize_identifier(vals["value"])
        if {"value", "type_id"} & vals.keys():
            self._check_values_free(
                [
                    (
                        vals.get("type_id", identifier.type_id.id),
                        vals.get("value", identifier.value),
                        identifier.company_id.id,
                    )
                    for identifier in self
                ],
                self.ids,
            )
        return super().write(vals)
