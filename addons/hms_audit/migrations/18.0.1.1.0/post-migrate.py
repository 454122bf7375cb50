from odoo.tools import SQL, sql

TABLE = "hms_audit_event"


def migrate(cr, version):
    """Events record their user and clinic without foreign keys, and model and action are no
    longer indexed: appending an event locks no other row and updates fewer indexes."""
    for column in ("user_id", "real_user_id", "company_id"):
        name = f"{TABLE}_{column}_fkey"
        cr.execute(
            SQL(
                "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s",
                SQL.identifier(TABLE),
                SQL.identifier(name),
            )
        )
        cr.execute("DELETE FROM ir_model_constraint WHERE name = %s AND type = 'f'", [name])
    for column in ("model", "action"):
        sql.drop_index(cr, sql.make_index_name(TABLE, column), TABLE)
