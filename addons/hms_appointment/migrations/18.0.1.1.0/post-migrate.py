from odoo.tools import SQL, sql

TABLE = "hms_appointment"


def migrate(cr, version):
    """No-show rate and waiting time moved to the appointment analysis (an SQL view): the
    appointment no longer stores them."""
    for column in ("no_show_rate", "waited_minutes"):
        if sql.column_exists(cr, TABLE, column):
            cr.execute(
                SQL(
                    "ALTER TABLE %s DROP COLUMN %s",
                    SQL.identifier(TABLE),
                    SQL.identifier(column),
                )
            )
