from odoo import api, models
from odoo.exceptions import UserError


class HmsAppendOnlyMixin(models.AbstractModel):
    """Records that are written once and never changed nor deleted (addenda, audit events).

    A correction is a new record. Models may allow named fields to change
    (``_hms_writable_fields``), for instance a seal set after the fact.
    """

    _name = "hms.append.only.mixin"
    _description = "Append-only Record"

    _hms_writable_fields = frozenset()

    def write(self, vals):
        if self and set(vals) - self._hms_writable_fields:
            raise UserError(
                self.env._(
                    "%(model)s records are append-only: add a new one instead of changing it.",
                    model=self._description,
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_append_only(self):
        if self:
            raise UserError(
                self.env._(
                    "%(model)s records are append-only: they are never deleted.",
                    model=self._description,
                )
            )
