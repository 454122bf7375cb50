from odoo import fields, models, tools

from ..models.hms_appointment_type import TRIAGE_PRIORITIES

# Statuses of an appointment whose patient came: the denominator of the no-show rate with
# ``no_show`` (requested, confirmed and cancelled appointments were never due to be attended).
ATTENDED_STATES = ("checked_in", "in_consultation", "done")
SEEN_STATES = ("in_consultation", "done")


class HmsAppointmentReport(models.Model):
    """Appointment statistics: one row per appointment, measures the pivot and graph views,
    and the Hospital dashboard, aggregate. Nothing of it is stored on the appointment."""

    _name = "hms.appointment.report"
    _description = "Appointment Analysis"
    _auto = False
    _order = "date desc"

    appointment_id = fields.Many2one("hms.appointment", "Appointment", readonly=True)
    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", "Clinic", readonly=True)
    practitioner_id = fields.Many2one("hms.practitioner", "Practitioner", readonly=True)
    appointment_type_id = fields.Many2one("hms.appointment.type", "Type", readonly=True)
    source = fields.Selection(
        [("desk", "Desk"), ("portal", "Portal"), ("phone", "Phone")], readonly=True
    )
    state = fields.Selection(
        [
            ("requested", "Requested"),
            ("confirmed", "Confirmed"),
            ("checked_in", "Checked In"),
            ("in_consultation", "In Consultation"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
            ("no_show", "No Show"),
        ],
        "Status",
        readonly=True,
    )
    triage_priority = fields.Selection(TRIAGE_PRIORITIES, "Triage", readonly=True)
    seen_count = fields.Integer(
        "Patients Seen", readonly=True, help="Appointments whose patient the doctor called in."
    )
    no_show_count = fields.Integer("No-shows", readonly=True)
    no_show_rate = fields.Float(
        "No-show Rate (%)",
        readonly=True,
        aggregator="avg",
        help="No-shows among the appointments that were due: those attended and the no-shows "
        "(upcoming and cancelled appointments do not count).",
    )
    waiting_minutes = fields.Float(
        "Waiting Time (min)",
        readonly=True,
        aggregator="avg",
        help="Minutes between arrival and the doctor's call, for the patients called in.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            tools.SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                    SELECT a.id AS id,
                           a.id AS appointment_id,
                           a.start AS date,
                           a.company_id,
                           a.practitioner_id,
                           a.appointment_type_id,
                           a.source,
                           a.state,
                           a.triage_priority,
                           (a.state IN %(seen)s)::int AS seen_count,
                           (a.state = 'no_show')::int AS no_show_count,
                           CASE WHEN a.state = 'no_show' THEN 100.0
                                WHEN a.state IN %(attended)s THEN 0.0
                           END AS no_show_rate,
                           CASE WHEN a.called_date IS NOT NULL AND a.checkin_date IS NOT NULL
                                THEN EXTRACT(EPOCH FROM a.called_date - a.checkin_date) / 60
                           END AS waiting_minutes
                      FROM hms_appointment a
                )
                """,
                view=tools.SQL.identifier(self._table),
                seen=SEEN_STATES,
                attended=ATTENDED_STATES,
            )
        )
