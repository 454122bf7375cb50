from datetime import timedelta

from odoo import fields, http
from odoo.http import request


class HmsQueueDisplay(http.Controller):
    @http.route("/hms/queue/<string:token>", type="http", auth="public", sitemap=False)
    def hms_queue_display(self, token, **_kwargs):
        """The waiting-room screen: ticket numbers only, never a patient's name."""
        company = (
            request.env["res.company"].sudo().search([("hms_queue_token", "=", token)], limit=1)
            if token
            else None
        )
        if not company:
            raise request.not_found()
        Appointment = request.env["hms.appointment"].sudo()
        since = fields.Datetime.now() - timedelta(hours=24)
        domain = [("company_id", "=", company.id), ("checkin_date", ">=", since)]
        waiting = Appointment.search(
            [*domain, ("state", "=", "checked_in")], order="triage_rank, checkin_date, id"
        )
        called = Appointment.search(
            [*domain, ("state", "=", "in_consultation")], order="called_date desc, id desc", limit=5
        )
        return request.render(
            "hms_appointment.hms_queue_display",
            {
                "clinic_name": company.name,
                "waiting": [(a.queue_ticket_display, a.triage_priority) for a in waiting],
                "called": [a.queue_ticket_display for a in called],
                "refresh_seconds": 15,
            },
        )
