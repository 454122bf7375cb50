from odoo import api, models


class HmsClinicNumberedMixin(models.AbstractModel):
    """Records numbered per clinic, like account's ``sequence.mixin``.

    A record created without a number (``/``) takes the next one of its clinic's own
    sequence of ``_hms_sequence_code`` (copied on first use from the shared template,
    ``ir.sequence._hms_sequence``). A batch looks each clinic's sequence up once.
    """

    _name = "hms.clinic.numbered.mixin"
    _description = "Numbered per Clinic"

    # The ir.sequence code; by default the model's name.
    _hms_sequence_code = None
    # The field that holds the number.
    _hms_number_field = "name"

    @api.model
    def _hms_numbering_clinic(self, vals):
        """The clinic whose sequence numbers the record created with ``vals``."""
        return self.env["res.company"].browse(vals.get("company_id")) or self.env.company

    @api.model_create_multi
    def create(self, vals_list):
        field = self._hms_number_field
        unnumbered = [vals for vals in vals_list if vals.get(field) in (None, False, "/")]
        if unnumbered:
            clinics = [self._hms_numbering_clinic(vals) for vals in unnumbered]
            numbers = self.env["ir.sequence"]._hms_next_numbers(
                self._hms_sequence_code or self._name, clinics
            )
            for vals, number in zip(unnumbered, numbers, strict=True):
                vals[field] = number
        return super().create(vals_list)
