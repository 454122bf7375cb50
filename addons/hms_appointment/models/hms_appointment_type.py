from odoo import fields, models

TRIAGE_PRIORITIES = [
    ("red", "Red: emergency"),
    ("orange", "Orange: urgent"),
    ("green", "Green: routine"),
]


class HmsAppointmentType(models.Model):
    _name = "hms.appointment.type"
    _description = "Appointment Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    duration = fields.Float(
        "Duration", default=0.5, required=True, help="Length of one slot of this type, in hours."
    )
    triage_priority = fields.Selection(
        TRIAGE_PRIORITIES,
        "Default Triage",
        default="green",
        required=True,
        help="Priority in the waiting-room queue until a nurse or receptionist triages.",
    )
    is_emergency = fields.Boolean(
        "Emergency",
        help="Only emergencies may be squeezed into a taken slot, by a user allowed to overbook.",
    )
    is_portal_bookable = fields.Boolean("Bookable Online", default=True)
    color = fields.Integer()

    _sql_constraints = [
        ("duration_positive", "CHECK(duration > 0)", "An appointment type lasts some time."),
    ]
