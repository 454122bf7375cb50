"""Bad input is refused with a message naming the field, before anything reaches PostgreSQL.

Every HMS model (``hms.*``, whatever addon defines it) and every field an HMS addon adds to
another model is checked on ``create`` and ``write``: types, dates, selection values, the size of
indexed text, and that the ids of relational values exist. Without it an integrator sending an
integer for a date, a megabyte of name or an unknown id gets a raw PostgreSQL error, or one that
blames a deletion.

The check must run before any model's own ``create``/``write`` override reads the values, so
``_register_hook`` wraps the registry class of each such model, as core's ``base_automation``
does for its triggers; an override of ``base.create`` would run after those of the models.
(``res.config.settings``, whose core hook does not call super, is checked where its values
land: the clinic's fields on ``res.company``.)
"""

import base64
import binascii
import datetime
import re
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# A B-tree entry holds at most 2704 bytes: 512 characters stay below it in any UTF-8.
INDEXED_TEXT_LIMIT = 512
# Dates far from today are typing errors, and Python overflows on 0001 and 9999 in time zones.
DATE_MIN, DATE_MAX = datetime.date(1000, 1, 1), datetime.date(9998, 12, 31)
TEXT_TYPES = ("char", "text", "html")
# The method of Base that checks a value of each field type.
VALUE_CHECKS = {
    "char": "_hms_text_problem",
    "text": "_hms_text_problem",
    "html": "_hms_text_problem",
    "boolean": "_hms_boolean_problem",
    "integer": "_hms_integer_problem",
    "float": "_hms_number_problem",
    "monetary": "_hms_number_problem",
    "date": "_hms_date_problem",
    "datetime": "_hms_date_problem",
    "selection": "_hms_selection_problem",
    "many2one": "_hms_many2one_problem",
    "one2many": "_hms_commands_problem",
    "many2many": "_hms_commands_problem",
    "binary": "_hms_binary_problem",
}
ID_COMMANDS = (1, 2, 3, 4)  # (code, id, ...)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_id(value):
    return _is_int(value) and 0 < value <= INT_MAX


class Base(models.AbstractModel):
    _inherit = "base"

    # {field name: (field, text size limit or None)}, set on the checked models' classes.
    _hms_input_fields = None

    def _hms_collect_input_fields(self):
        """The fields to check on this model: all of an HMS model, HMS ones elsewhere."""
        if self._abstract:
            return {}
        is_hms = self._name.startswith("hms.")
        unique = " ".join(
            definition.lower()
            for _name, definition, _message in self._sql_constraints
            if definition.lower().lstrip().startswith(("unique", "exclude"))
        )
        checked = {}
        for name, field in self._fields.items():
            if not (is_hms or (field._module or "").startswith("hms_")):
                continue
            limit = None
            if field.type in TEXT_TYPES:
                target = field.related_field if field.related else field
                indexed = target.index or field.index or re.search(rf"\b{name}\b", unique)
                limit = field.size or (INDEXED_TEXT_LIMIT if indexed else None)
            checked[name] = (field, limit)
        return checked

    def _register_hook(self):
        super()._register_hook()
        cls = type(self)
        checked = self._hms_collect_input_fields()
        if not checked or "_hms_input_fields" in vars(cls):
            return
        create, write = cls.create, cls.write

        @api.model_create_multi
        def create_checked(self, vals_list):
            self._hms_check_input(vals_list)
            return create(self, vals_list)

        def write_checked(self, vals):
            if self:  # writing on no record writes nothing (Odoo's contract for empty sets)
                self._hms_check_input([vals])
            return write(self, vals)

        cls._hms_input_fields = checked
        cls.create = create_checked
        cls.write = write_checked

    def _unregister_hook(self):
        cls = type(self)
        if "_hms_input_fields" in vars(cls):
            del cls._hms_input_fields, cls.create, cls.write
        super()._unregister_hook()

    def _hms_check_input(self, vals_list):
        """Raise a ValidationError naming the first field whose value is not acceptable."""
        checked = self._hms_input_fields
        ids_by_field = defaultdict(set)
        for vals in vals_list:
            if not isinstance(vals, dict):
                raise ValidationError(
                    self.env._("%(model)s expects a dictionary of field values.", model=self._name)
                )
            for name, value in vals.items():
                entry = checked.get(name)
                if entry is None:
                    if name not in self._fields and self._name.startswith("hms."):
                        raise ValidationError(
                            self.env._(
                                '%(model)s has no field "%(name)s".',
                                model=self._description,
                                name=name,
                            )
                        )
                    continue
                field, limit = entry
                problem = self._hms_value_problem(field, limit, value, ids_by_field[name])
                if problem:
                    raise self._hms_input_error(name, problem)
        self._hms_check_ids_exist({name: ids for name, ids in ids_by_field.items() if ids})

    def _hms_check_ids_exist(self, ids_by_field):
        """One query for the ids of every relational value, whatever their models."""
        if not ids_by_field:
            return
        tables = defaultdict(set)
        for name, ids in ids_by_field.items():
            tables[self.env[self._fields[name].comodel_name]._table].update(ids)
        self.env.cr.execute(
            SQL(" UNION ALL ").join(
                SQL(
                    "SELECT %s, id FROM %s WHERE id = ANY(%s)",
                    table,
                    SQL.identifier(table),
                    list(ids),
                )
                for table, ids in tables.items()
            )
        )
        found = defaultdict(set)
        for table, record_id in self.env.cr.fetchall():
            found[table].add(record_id)
        for name, ids in ids_by_field.items():
            comodel = self.env[self._fields[name].comodel_name]
            unknown = ids - found[comodel._table]
            if unknown:
                raise self._hms_input_error(
                    name,
                    self.env._(
                        "no record of %(comodel)s has the id %(ids)s.",
                        comodel=comodel._description,
                        ids=", ".join(map(str, sorted(unknown))),
                    ),
                )

    def _hms_input_error(self, name, problem):
        field = self._fields[name]
        return ValidationError(
            self.env._(
                'Invalid value for "%(label)s" (%(name)s) of %(model)s: %(problem)s',
                label=field._description_string(self.env),
                name=name,
                model=self._description,
                problem=problem,
            )
        )

    def _hms_value_problem(self, field, limit, value, ids):
        """What is wrong with ``value`` for ``field``, or None; ids to check go into ``ids``."""
        if value is None or value is False:  # "no value", for every type
            return None
        method = VALUE_CHECKS.get(field.type)
        return getattr(self, method)(value, field, limit, ids) if method else None

    def _hms_text_problem(self, value, _field, limit, _ids):
        if not isinstance(value, str):
            return self.env._("expected text.")
        if "\x00" in value:
            return self.env._("text cannot contain NUL characters.")
        if limit and len(value) > limit:
            return self.env._(
                "at most %(limit)s characters, got %(length)s.", limit=limit, length=len(value)
            )
        return None

    def _hms_boolean_problem(self, value, *_args):
        return None if isinstance(value, int) else self.env._("expected true or false.")

    def _hms_integer_problem(self, value, field, *_args):
        # Odoo rounds a float down, as int() does. A 64-bit column takes 64-bit numbers.
        low, high = (-(2**63), 2**63 - 1) if field.column_type[1] == "int8" else (INT_MIN, INT_MAX)
        if (_is_int(value) or isinstance(value, float)) and low <= value <= high:
            return None
        return self.env._("expected a whole number between %(min)s and %(max)s.", min=low, max=high)

    def _hms_number_problem(self, value, *_args):
        if (_is_int(value) or isinstance(value, float)) and -1e300 < value < 1e300:
            return None
        return self.env._("expected a finite number.")

    def _hms_selection_problem(self, value, field, *_args):
        allowed = field.get_values(self.env)
        if value in allowed:
            return None
        return self.env._("expected one of %(values)s.", values=", ".join(map(str, allowed)))

    def _hms_many2one_problem(self, value, _field, _limit, ids):
        if isinstance(value, models.BaseModel):
            return None
        if not _is_id(value):
            return self.env._("expected the id of a record.")
        ids.add(value)
        return None

    def _hms_binary_problem(self, value, *_args):
        if isinstance(value, (str, bytes)):
            try:
                base64.b64decode(value)
                return None
            except (binascii.Error, ValueError):
                pass
        return self.env._("expected base64-encoded data.")

    def _hms_date_problem(self, value, field, *_args):
        _ = self.env._
        try:
            if isinstance(value, str):
                value = (
                    fields.Date.to_date(value)
                    if field.type == "date"
                    else fields.Datetime.to_datetime(value)
                )
            if not isinstance(value, datetime.date):
                raise ValueError(value)
        except (ValueError, TypeError):
            if field.type == "date":
                return _("expected a date written YYYY-MM-DD.")
            return _("expected a date and time written YYYY-MM-DD HH:MM:SS (UTC).")
        day = value.date() if isinstance(value, datetime.datetime) else value
        if not DATE_MIN <= day <= DATE_MAX:
            return _("expected a date between %(min)s and %(max)s.", min=DATE_MIN, max=DATE_MAX)
        return None

    def _hms_commands_problem(self, value, _field, _limit, ids):
        """Check x2many commands (or a plain list of ids) as the ORM accepts them."""
        if isinstance(value, models.BaseModel):
            return None
        if isinstance(value, tuple):
            value = [value]
        if isinstance(value, list):
            if all(_is_id(item) for item in value):
                ids.update(value)
                return None
            if all(self._hms_command_ok(command, ids) for command in value):
                return None
        return self.env._(
            "expected a list of commands such as [[6, 0, ids]], [[4, id]] or [[0, 0, values]]."
        )

    @staticmethod
    def _hms_command_ok(command, ids):
        """Whether ``command`` is a well-formed x2many command; its ids go into ``ids``."""
        if not isinstance(command, (list, tuple)) or not command or not _is_int(command[0]):
            return False
        code, args = command[0], command[1:]
        if code in ID_COMMANDS:  # (code, id, ...), UPDATE with its values
            well_formed = bool(args) and _is_id(args[0])
            well_formed = well_formed and (code != 1 or isinstance(args[-1], dict))
            record_ids = args[:1]
        elif code == 6:  # (6, _, ids)
            record_ids = args[1] if len(args) == 2 and isinstance(args[1], (list, tuple)) else [0]
            well_formed = all(_is_id(item) for item in record_ids)
        else:  # (0, _, values), (5, ...)
            well_formed = code == 5 or (code == 0 and len(args) == 2 and isinstance(args[1], dict))
            record_ids = ()
        if well_formed:
            ids.update(record_ids)
        return well_formed
