from odoo import api, models


class HmsLockedMixin(models.AbstractModel):
    """Lines locked with their parent record (vitals, diagnoses, prescriptions of an encounter).

    ``_hms_locked_by`` names the Many2one to the parent; the parent model implements
    ``_hms_check_open()``, which raises when the record is closed. A line of a closed
    parent is neither created, changed nor deleted, except that a patient merge
    (context ``hms_patient_merge``) may move it to the kept patient.
    """

    _name = "hms.locked.mixin"
    _description = "Locked with its Parent Record"

    _hms_locked_by = "encounter_id"
    # Fields a patient merge may rewrite on a locked line.
    _hms_merge_fields = frozenset({"patient_id"})

    def _hms_is_merge_write(self, vals):
        # Superuser only: a client may put anything in its context over RPC.
        return (
            self.env.su
            and self.env.context.get("hms_patient_merge")
            and set(vals) <= self._hms_merge_fields
        )

    @api.model_create_multi
    def create(self, vals_list):
        field = self._hms_locked_by
        Parent = self.env[self._fields[field].comodel_name]
        Parent.browse([vals[field] for vals in vals_list if vals.get(field)])._hms_check_open()
        return super().create(vals_list)

    def write(self, vals):
        if self._hms_is_merge_write(vals):
            return super().write(vals)
        self[self._hms_locked_by]._hms_check_open()
        result = super().write(vals)
        # A line moved to a closed parent is as locked as one written on it.
        if self._hms_locked_by in vals:
            self[self._hms_locked_by]._hms_check_open()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_if_parent_open(self):
        self[self._hms_locked_by]._hms_check_open()
