from odoo import api, models

from ..tools.chain import value_hash


class Base(models.AbstractModel):
    """Audit of every audited model, whatever addon defines it, at the ORM's entry points.

    Writes are audited whoever makes them (sudo included); reads are audited when a user reads
    records through :meth:`read`, ``web_read``, ``web_search_read`` or ``search_read`` (all end
    in ``_read_format``), which is what the web client, RPC and portal JSON calls use. Values the
    ORM loads for its own computations do not go through these methods and are not accesses.
    """

    _inherit = "base"

    def _hms_audit_rule(self):
        """None when this model is not audited, else whether its reads are audited."""
        if not self.pool.ready or self._name.startswith("hms.audit.") or self._transient:
            return None
        return self.env["hms.audit.rule"]._get_rules().get(self._name)

    def _hms_audit_patient_ids(self):
        """Ids of the patients these records concern; models may override."""
        if self._name == "hms.patient":
            return self.ids
        field = self._fields.get("patient_id")
        if field is not None and field.type == "many2one" and field.comodel_name == "hms.patient":
            return self.sudo().patient_id.ids
        return []

    def _hms_audit(self, action, **values):
        ids = [rid for rid in self._ids if isinstance(rid, int)]
        if not ids:
            return
        self.env["hms.audit.event"]._log(
            action,
            model=self._name,
            res_ids=ids,
            patient_ids=self.browse(ids)._hms_audit_patient_ids(),
            **values,
        )

    def _hms_audit_snapshot(self, fnames):
        records = self.sudo()
        return {
            fname: [
                [rec.id, records._fields[fname].convert_to_write(rec[fname], rec)]
                for rec in records
            ]
            for fname in fnames
        }

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if records._hms_audit_rule() is not None:
            fnames = sorted({f for vals in vals_list for f in vals if f in self._fields})
            records._hms_audit(
                "create",
                field_names=",".join(fnames),
                field_hashes={f: value_hash([vals.get(f) for vals in vals_list]) for f in fnames},
            )
        return records

    def write(self, vals):
        if not self or self._hms_audit_rule() is None:
            return super().write(vals)
        fnames = sorted(f for f in vals if f in self._fields)
        before = self._hms_audit_snapshot(fnames)
        result = super().write(vals)
        after = self._hms_audit_snapshot(fnames)
        action = "write"
        if fnames == [self._active_name]:
            action = "unarchive" if vals[self._active_name] else "archive"
        self._hms_audit(
            action,
            field_names=",".join(fnames),
            field_hashes={f: value_hash([before[f], after[f]]) for f in fnames},
        )
        return result

    def unlink(self):
        if self and self._hms_audit_rule() is not None:
            self._hms_audit("unlink")
        return super().unlink()

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        if self and not self.env.su and self._hms_audit_rule():
            self._hms_audit("read")
        return result

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        if self._hms_audit_rule() is not None:
            self._hms_audit("export", field_names=",".join(fields_to_export))
        return result
