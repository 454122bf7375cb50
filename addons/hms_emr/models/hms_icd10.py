import logging
import time
import warnings

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Codes a general practice meets every day: loaded at install with their chapters and
# blocks, so a new clinic can code at once; the full catalogue is loaded on demand.
COMMON_CODES = (
    "A09",
    "B34.9",
    "E03.9",
    "E11.9",
    "E11.65",
    "E55.9",
    "E66.9",
    "E78.5",
    "F32.9",
    "F41.1",
    "G43.909",
    "G47.00",
    "H10.9",
    "H66.90",
    "I10",
    "I25.10",
    "I48.91",
    "I50.9",
    "J00",
    "J02.9",
    "J06.9",
    "J18.9",
    "J20.9",
    "J30.9",
    "J44.9",
    "J45.909",
    "K21.9",
    "K29.70",
    "K59.00",
    "L20.9",
    "L30.9",
    "M25.50",
    "M54.50",
    "M79.10",
    "N18.9",
    "N39.0",
    "R05.9",
    "R10.9",
    "R50.9",
    "R51.9",
    "Z00.00",
    "Z23",
)


def _icd10_source():
    """The ICD-10-CM package; imported late, its import warns about a deprecated API."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm  # pylint: disable=import-outside-toplevel

        simple_icd_10_cm.get_all_codes(True)  # loads the data files inside the filter
    return simple_icd_10_cm


class HmsIcd10(models.Model):
    _name = "hms.icd10"
    _description = "ICD-10 Code"
    _order = "code"
    _rec_names_search = ["code", "name"]

    code = fields.Char(required=True, index="trigram")
    name = fields.Char("Description", required=True, index="trigram")
    kind = fields.Selection(
        [
            ("chapter", "Chapter"),
            ("block", "Block"),
            ("category", "Category"),
            ("subcategory", "Subcategory"),
        ],
        required=True,
        default="subcategory",
    )
    parent_id = fields.Many2one("hms.icd10", "Parent", index=True, ondelete="restrict")
    is_billable = fields.Boolean(
        "Billable", help="A leaf code: the most specific level, the one used on claims."
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "This ICD-10 code is already in the catalogue."),
    ]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for icd in self:
            icd.display_name = f"{icd.code} {icd.name}" if icd.code else icd.name

    @api.model
    def _hms_find_code(self, code):
        """The catalogue entry of ``code``, or a clear error when the catalogue has none."""
        icd = self.search([("code", "=", (code or "").strip().upper())], limit=1)
        if not icd:
            raise ValidationError(
                self.env._("The ICD-10 code %(code)s does not exist in the catalogue.", code=code)
            )
        return icd

    @api.model
    def _load_icd10_catalogue(self, codes=None, batch_size=10000):
        """Insert or update ICD-10-CM codes: every code, or ``codes`` with their ancestors.

        Set-based SQL (one statement per batch) keeps the full catalogue (about 98,000
        entries) within seconds; running it again refreshes names and hierarchy.
        Returns the number of codes loaded.
        """
        cm = _icd10_source()
        if codes is None:
            items = list(dict.fromkeys(cm.get_all_codes(True)))
        else:
            unknown = [code for code in codes if not cm.is_valid_item(code)]
            if unknown:
                raise UserError(
                    self.env._(
                        "Unknown ICD-10-CM codes: %(codes)s", codes=", ".join(sorted(unknown))
                    )
                )
            items = list(
                dict.fromkeys(a for code in codes for a in [*cm.get_ancestors(code), code])
            )
        started = time.monotonic()
        self.flush_model()
        uid = self.env.uid
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO hms_icd10 (code, name, kind, is_billable, active,
                                           create_uid, write_uid, create_date, write_date)
                    SELECT v.code, v.name, v.kind, v.leaf, TRUE, %(uid)s, %(uid)s,
                           now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                      FROM unnest(%(codes)s::varchar[], %(names)s::varchar[],
                                  %(kinds)s::varchar[], %(leaves)s::bool[])
                           AS v(code, name, kind, leaf)
                    ON CONFLICT (code) DO UPDATE
                       SET name = EXCLUDED.name, kind = EXCLUDED.kind,
                           is_billable = EXCLUDED.is_billable,
                           write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                    """,
                    uid=uid,
                    codes=batch,
                    names=[cm.get_description(code) for code in batch],
                    kinds=[self._hms_icd10_kind(cm, code) for code in batch],
                    leaves=[cm.is_leaf(code) for code in batch],
                )
            )
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE hms_icd10 child SET parent_id = parent.id
                      FROM unnest(%(codes)s::varchar[], %(parents)s::varchar[]) AS v(code, parent)
                      JOIN hms_icd10 parent ON parent.code = v.parent
                     WHERE child.code = v.code AND child.parent_id IS DISTINCT FROM parent.id
                    """,
                    codes=batch,
                    parents=[cm.get_parent(code) for code in batch],
                )
            )
        self.env.invalidate_all()
        _logger.info("Loaded %d ICD-10-CM codes in %.1f s", len(items), time.monotonic() - started)
        return len(items)

    @api.model
    def _hms_icd10_kind(self, cm, code):
        if cm.is_chapter(code):
            return "chapter"
        if cm.is_block(code):
            return "block"
        return "category" if cm.is_category(code) else "subcategory"

    @api.model
    def _load_icd10_common_codes(self):
        """Load the curated everyday subset (install time)."""
        return self._load_icd10_catalogue(codes=COMMON_CODES)
