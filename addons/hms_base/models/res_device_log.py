from odoo import models
from odoo.tools import SQL


class ResDeviceLog(models.Model):
    _inherit = "res.device.log"

    def _hms_mark_revoked(self, sid):
        """The device of a session that ended is no longer listed as active."""
        query = SQL(
            "UPDATE res_device_log SET revoked = TRUE WHERE session_identifier = %s", sid[:42]
        )
        if self.env.cr.readonly:
            # Like ``_update_device``: a read-only request (which has written nothing yet: it
            # is being authenticated) writes through its own cursor.
            self.env.cr.rollback()
            with self.env.registry.cursor(readonly=False) as cr:
                cr.execute(query)
        else:
            self.env.cr.execute(query)
        self.invalidate_model(["revoked"])
