from datetime import datetime, time, timedelta

from pytz import timezone, utc

from odoo import fields, models
from odoo.tools import SQL

from .hms_appointment import ACTIVE_STATES


class HmsPractitioner(models.Model):
    _inherit = "hms.practitioner"

    appointment_ids = fields.One2many("hms.appointment", "practitioner_id", "Appointments")

    def _hms_work_intervals(self, start, stop, compute_leaves=True):
        """Working intervals of the practitioner between two naive UTC datetimes, as naive UTC
        (start, stop) pairs; with ``compute_leaves`` their leaves and the clinic's holidays are
        taken out."""
        self.ensure_one()
        # Working hours are no secret, but a practitioner of several clinics has one resource,
        # in the clinic of their main contract, which the other clinics' staff cannot read.
        practitioner = self.sudo()
        calendar = practitioner.resource_calendar_id
        if not calendar:
            return []
        intervals = calendar._work_intervals_batch(
            utc.localize(start),
            utc.localize(stop),
            resources=practitioner.resource_id,
            compute_leaves=compute_leaves,
        )[practitioner.resource_id.id]
        return [
            (begin.astimezone(utc).replace(tzinfo=None), end.astimezone(utc).replace(tzinfo=None))
            for begin, end, _records in intervals
        ]

    def _hms_busy_intervals(self, start, stop, exclude=None):
        """(start, stop) of the practitioner's active appointments overlapping the range, sorted.

        The hot path of every slot search (desk and portal): plain SQL on two columns, and like
        a sudo read it shows every user which times are taken, never by whom. The
        (practitioner_id, stop) index reaches the bookings ending after ``start`` without
        reading the practitioner's years of history.
        """
        self.ensure_one()
        Appointment = self.env["hms.appointment"]
        Appointment.flush_model(["practitioner_id", "state", "start", "stop"])
        self.env.cr.execute(
            SQL(
                """
                SELECT start, stop FROM %s
                 WHERE practitioner_id = %s AND state IN %s AND stop > %s AND start < %s%s
                 ORDER BY start
                """,
                SQL.identifier(Appointment._table),
                self.id,
                ACTIVE_STATES,
                start,
                stop,
                SQL(" AND id NOT IN %s", tuple(exclude.ids)) if exclude else SQL(),
            )
        )
        return self.env.cr.fetchall()

    def _hms_free_slots(self, start, stop, appointment_type, exclude=None):
        """Free slots of ``appointment_type``'s length between two naive UTC datetimes.

        Slots follow each other from the start of every working interval (leaves and holidays
        taken out), skip the ones taken by active appointments and the past, and are returned
        as naive UTC (start, stop) pairs. The one source of free slots: desk, portal, benchmark.
        """
        self.ensure_one()
        now = fields.Datetime.now()
        if stop <= now or not self.active:
            return []
        length = timedelta(hours=appointment_type.duration)
        busy = self._hms_busy_intervals(start, stop, exclude=exclude)
        slots, index = [], 0
        for work_start, work_stop in self._hms_work_intervals(start, stop):
            slot_start = work_start
            while slot_start + length <= work_stop:
                slot_stop = slot_start + length
                # Both lists are sorted: skip the appointments that ended before this slot.
                while index < len(busy) and busy[index][1] <= slot_start:
                    index += 1
                is_free = index == len(busy) or busy[index][0] >= slot_stop
                if is_free and slot_start >= now:
                    slots.append((slot_start, slot_stop))
                slot_start = slot_stop
        return slots

    def _hms_free_slots_between_days(self, date_from, date_to, appointment_type):
        """Free slots of each practitioner from ``date_from`` to ``date_to`` (inclusive) in
        their own time zone, as (practitioner, start, stop) with naive UTC datetimes."""
        slots = []
        for practitioner in self:
            tz = timezone(practitioner.tz or "UTC")
            start = tz.localize(datetime.combine(date_from, time.min)).astimezone(utc)
            stop = tz.localize(datetime.combine(date_to + timedelta(days=1), time.min))
            slots += [
                (practitioner, slot_start, slot_stop)
                for slot_start, slot_stop in practitioner._hms_free_slots(
                    start.replace(tzinfo=None),
                    stop.astimezone(utc).replace(tzinfo=None),
                    appointment_type,
                )
            ]
        return sorted(slots, key=lambda slot: (slot[1], slot[0].name))

    def _hms_local_label(self, value):
        """A naive UTC datetime as the practitioner's local day and time, for the portal."""
        self.ensure_one()
        local = utc.localize(value).astimezone(timezone(self.tz or "UTC"))
        return local.strftime("%a %d %b %H:%M")
