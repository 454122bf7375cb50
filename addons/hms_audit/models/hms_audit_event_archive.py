import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.chain import CANONICAL_COLUMNS, GENESIS_HASH

_logger = logging.getLogger(__name__)


class HmsAuditEvent(models.Model):
    """Retention: sealed events move by month, as a prefix of the chain and behind a signed
    checkpoint, into ``hms_audit_event_archive`` (partitioned by month, verified on its own);
    a month then leaves the database as a detached partition (cold storage)."""

    _inherit = "hms.audit.event"

    @api.model
    def _archive_head(self):
        """Sequence and hash of the last archived event: the live chain links to it."""
        return self._last_sealed("hms_audit_event_archive")

    @api.model
    def _first_held_sequence(self):
        """The first event the database holds: those before it went to cold storage."""
        self.env.cr.execute(
            "SELECT LEAST((SELECT min(sequence) FROM hms_audit_event_archive),"
            " (SELECT min(sequence) FROM hms_audit_event))"
        )
        return self.env.cr.fetchone()[0] or 1

    @api.model
    def _verify_archive(self):
        """Walk the archived chain on its own, from its first event: linked to the genesis
        when it is event 1, else to partitions moved out to cold storage (checked there)."""
        self.env.cr.execute("SELECT min(sequence) FROM hms_audit_event_archive")
        first = self.env.cr.fetchone()[0] or 1
        result = self._verify_table(
            "hms_audit_event_archive", first, GENESIS_HASH if first == 1 else None
        )
        result["unsealed"] = 0
        return result

    @api.model
    def _archive_before(self, month):
        """Move the sealed events older than ``month`` (a date; its month counts) into the
        archive partitions, one per month; the number of events moved.

        The chain moves as a prefix: up to the event before the first one of ``month`` (an
        older straggler sealed after it stays live). A checkpoint signed by the configured key
        at or after the last event moved must vouch for it, so that the archive and the live
        chain can be verified apart. The DELETE passes the append-only trigger through
        ``hms_audit.archiving``, which lets it delete only events already in the archive.
        """
        cr = self.env.cr
        month = fields.Date.to_date(month).replace(day=1)
        base = self._archive_head()[0]
        cr.execute(
            """SELECT COALESCE(
                   (SELECT min(sequence) - 1 FROM hms_audit_event WHERE event_time >= %s),
                   (SELECT max(sequence) FROM hms_audit_event))""",
            [month],
        )
        last = cr.fetchone()[0] or 0
        if last <= base:
            return 0
        if self.env["hms.audit.checkpoint"]._last_verified_sequence() < last:
            raise UserError(
                self.env._(
                    "Archiving the events up to %(sequence)s needs a checkpoint signed at or "
                    "after it: sign one first.",
                    sequence=last,
                )
            )
        cr.execute(
            """SELECT DISTINCT date_trunc('month', event_time)::date FROM hms_audit_event
                WHERE sequence > %s AND sequence <= %s""",
            [base, last],
        )
        for (start,) in cr.fetchall():
            self._archive_partition(start)
        columns = SQL(", ").join(SQL.identifier(c) for c in (*CANONICAL_COLUMNS, "event_hash"))
        cr.execute(
            SQL(
                """INSERT INTO hms_audit_event_archive (%(columns)s)
                   SELECT %(columns)s FROM hms_audit_event
                    WHERE sequence > %(base)s AND sequence <= %(last)s;
                   SELECT set_config('hms_audit.archiving', 'on', true);
                   DELETE FROM hms_audit_event WHERE sequence > %(base)s AND sequence <= %(last)s;
                   SELECT set_config('hms_audit.archiving', 'off', true)""",
                columns=columns,
                base=base,
                last=last,
            )
        )
        _logger.info("hms_audit: archived the events %s to %s", base + 1, last)
        return last - base

    @api.model
    def _archive_partition(self, start):
        """The archive partition of the month beginning on ``start``, created if missing."""
        end = start + relativedelta(months=1)
        name = f"hms_audit_event_archive_y{start.year:04d}m{start.month:02d}"
        self.env.cr.execute(
            SQL(
                """CREATE TABLE IF NOT EXISTS %(name)s PARTITION OF hms_audit_event_archive
                       FOR VALUES FROM (%(start)s) TO (%(end)s);
                   DROP TRIGGER IF EXISTS hms_audit_no_truncate ON %(name)s;
                   CREATE TRIGGER hms_audit_no_truncate BEFORE TRUNCATE ON %(name)s
                       FOR EACH STATEMENT EXECUTE FUNCTION hms_audit_archive_reject()""",
                name=SQL.identifier(name),
                start=start,
                end=end,
            )
        )

    @api.model
    def _cron_archive(self):
        """Archive the events older than ``hms_audit.archive_after_months`` months (24): verify
        the chain, sign its head, then move (disabled by default: retention is a policy)."""
        months = int(
            self.env["ir.config_parameter"].sudo().get_param("hms_audit.archive_after_months", 24)
        )
        if not self.env["hms.audit.verification"]._verify(from_checkpoint=True)["valid"]:
            _logger.error("hms_audit: the chain is broken, nothing archived")
            return
        self.env["hms.audit.checkpoint"]._create_checkpoint()
        self._archive_before(fields.Date.today() - relativedelta(months=months))
