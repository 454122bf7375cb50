"""Bad input over the external API: whatever an integrator sends to create or write a record of
any HMS model, as any role, comes back as a ValidationError, UserError, AccessError or
MissingError that says what is wrong, never as a database error or a traceback, and a refused
call stores nothing."""

import xmlrpc.client
from datetime import date, datetime

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from odoo.models import MAGIC_COLUMNS
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_base.tests.common import hms_password
from odoo.addons.hms_emr.tests.common import HmsEmrAppointmentCommon

# /xmlrpc/2 faults: 2 for UserError and its subclasses (ValidationError, MissingError),
# 4 for AccessError; 1 is anything else, with its traceback.
ALLOWED_FAULTS = {2: "UserError", 4: "AccessError"}
EXAMPLES = 3  # per model, role and operation: about 1,600 calls, a minute
UNKNOWN_ID = 987_654_321
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")), max_size=12
)
# Text of every size around the limit of indexed text, in one- to four-byte characters.
LONG_TEXT = st.builds(
    lambda char, size: char * size, st.sampled_from("aé€😀"), st.integers(1, 4000)
)
INT32 = st.integers(-(2**31), 2**31 - 1)  # what XML-RPC carries
JUNK = st.one_of(
    st.booleans(),
    INT32,
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    st.lists(st.integers(-3, 10), max_size=3),
    st.dictionaries(st.sampled_from(["id", "name"]), st.integers(0, 3), max_size=2),
)
DATES = st.dates(min_value=date(1, 1, 1))
DATETIMES = st.datetimes(min_value=datetime(1, 1, 1))


@tagged("post_install", "-at_install", "hms_access")
class TestApiInput(HmsEmrAppointmentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()
        cls.roles = [*cls.users.values(), cls.portal_user]
        cls.hms_models = sorted(
            name
            for name, model in cls.env.items()
            if name.startswith("hms.") and not model._abstract and model._auto
        )

    def call(self, user, model, method, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, hms_password(user), model, method, list(args)
        )

    def assertRefused(self, user, model, method, *args, regex):
        with mute_logger("odoo.http", "odoo.sql_db"):
            with self.assertRaisesMessage(xmlrpc.client.Fault, regex) as catcher:
                self.call(user, model, method, *args)
        self.assertEqual(catcher.exception.faultCode, 2, catcher.exception.faultString)

    # The three calls of the report, as the receptionist.

    def test_integer_for_a_date(self):
        self.assertRefused(
            self.receptionist,
            "hms.patient",
            "create",
            {"name": "Integer Date", "birthdate": 19850412},
            regex=r'"Date of Birth" \(birthdate\) of Patient: expected a date',
        )
        self.assertFalse(self.env["hms.patient"].search([("name", "=", "Integer Date")]))

    def test_megabyte_name(self):
        self.assertRefused(
            self.receptionist,
            "hms.patient",
            "write",
            [self.patient_a.id],
            {"name": "N" * 1_000_000},
            regex=r"\(name\) of Patient: at most 512 characters",
        )
        self.assertEqual(self.patient_a.name, "Alice Test")

    def test_unknown_practitioner(self):
        self.assertRefused(
            self.receptionist,
            "hms.appointment",
            "create",
            {
                "patient_id": self.patient_a.id,
                "practitioner_id": UNKNOWN_ID,
                "appointment_type_id": self.type_consultation.id,
                "start": "2031-06-02 14:00:00",
            },
            regex=rf"\(practitioner_id\) of Appointment: no record of Practitioner has the id "
            rf"{UNKNOWN_ID}",
        )

    # Every HMS model, every role, generated values.

    def fuzzed_fields(self, model):
        """HMS fields, and the plain ones of core (not its mail, image or partner relations)."""
        Model = self.env[model]
        return {
            name: field
            for name, field in Model._fields.items()
            if (field.store or field.inverse)
            and name not in MAGIC_COLUMNS
            and name != "display_name"
            and (
                (field._module or "").startswith("hms_")
                or not (field.relational or field.type == "binary")
            )
        }

    def values(self, field):
        """Values for ``field``: of its type (existing ids, long text, ...) or anything else."""
        ftype = field.type
        if field.relational:
            known = self.env[field.comodel_name].sudo().search([], limit=4).ids
            some_id = st.sampled_from([*known, UNKNOWN_ID, -1, 0])
        if ftype in ("char", "text", "html"):
            typed = st.one_of(TEXT, LONG_TEXT)
        elif ftype in ("integer", "float", "monetary"):
            typed = st.one_of(INT32, st.floats())
        elif ftype == "boolean":
            typed = st.booleans()
        elif ftype == "date":
            typed = st.one_of(DATES.map(str), INT32, TEXT.map(lambda s: f"2024-{s}"))
        elif ftype == "datetime":
            typed = st.one_of(
                DATETIMES.map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
                DATETIMES.map(datetime.isoformat),
                INT32,
            )
        elif ftype == "selection":
            selection = field.get_values(self.env)
            typed = st.sampled_from(selection) if selection else TEXT
        elif ftype == "many2one":
            typed = some_id
        elif ftype in ("one2many", "many2many"):
            command = st.one_of(
                st.tuples(st.sampled_from([1, 2, 3, 4]), some_id),
                st.tuples(st.just(6), st.just(0), st.lists(some_id, max_size=3)),
                st.tuples(st.just(0), st.just(0), st.just({})),
                st.tuples(st.just(5)),
                st.tuples(st.integers(-1, 9)),
            ).map(list)
            typed = st.one_of(st.lists(command, max_size=3), st.lists(some_id, max_size=3))
        elif ftype == "binary":
            typed = st.sampled_from(["aGVsbG8=", "not base64!", "iVBORw0KGgo="])
        else:
            typed = JUNK
        return st.one_of(typed, JUNK, st.just(False))

    def vals(self, model):
        return st.fixed_dictionaries(
            {},
            optional={
                name: self.values(field) for name, field in self.fuzzed_fields(model).items()
            },
        )

    def snapshot(self, model, ids, fnames):
        """What is stored of these records, as the database has it."""
        self.env.invalidate_all()
        Model = self.env[model].sudo().with_context(active_test=False)
        records = Model.browse(ids).exists()
        stored = [name for name in fnames if Model._fields[name].store]
        return Model.search_count([]), records.read(stored) if stored else []

    def check_call(self, user, model, method, args, *, ids=()):
        fnames = args[-1]
        before = self.snapshot(model, ids, fnames)
        try:
            with mute_logger("odoo.http", "odoo.sql_db"):
                self.call(user, model, method, *args)
        except xmlrpc.client.Fault as fault:
            self.assertIn(
                fault.faultCode,
                ALLOWED_FAULTS,
                f"{method} on {model} as {user.login} with {args!r:.2000}:\n{fault.faultString}",
            )
            self.assertEqual(
                self.snapshot(model, ids, fnames), before, f"refused {method} stored something"
            )

    def fuzz(self, model, user, vals):
        """Generated creates, then writes of existing (and missing) records, on ``model``."""
        run = settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        targets = [*self.env[model].sudo().search([], limit=3).ids, UNKNOWN_ID]

        @run
        @given(vals=vals)
        def create(vals):
            self.check_call(user, model, "create", [vals])

        @run
        @given(
            ids=st.lists(st.sampled_from(targets), min_size=1, max_size=2, unique=True), vals=vals
        )
        def write(ids, vals):
            self.check_call(user, model, "write", [ids, vals], ids=ids)

        create()
        write()

    def test_generated_calls(self):
        for model in self.hms_models:
            vals = self.vals(model)
            for user in self.roles:
                with self.subTest(model=model, user=user.login):
                    self.fuzz(model, user, vals)
