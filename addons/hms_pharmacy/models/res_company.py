from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hms_rx_validity_days = fields.Integer(
        "Prescription Validity (days)",
        default=30,
        help="Issued prescriptions not fully dispensed expire after this many days.",
    )
    hms_near_expiry_days = fields.Integer(
        "Near Expiry (days)",
        default=90,
        help="Lots expiring within this many days show in the near-expiry view.",
    )

    def _hms_pharmacy_picking_type(self):
        """The clinic's pharmacy dispensing operation (created on first use, with the
        clinic's warehouse when it has none yet)."""
        self.ensure_one()
        PickingType = self.env["stock.picking.type"].sudo().with_context(active_test=False)
        picking_type = PickingType.search(
            [("company_id", "=", self.id), ("hms_is_pharmacy", "=", True)], limit=1
        )
        if picking_type:
            return picking_type
        warehouse = self._hms_pharmacy_warehouse()
        return PickingType.create(
            {
                "name": self.env._("Pharmacy Dispensing"),
                "code": "outgoing",
                "sequence_code": "RX",
                "warehouse_id": warehouse.id,
                "company_id": self.id,
                "default_location_src_id": warehouse.lot_stock_id.id,
                "default_location_dest_id": self.env.ref("hms_pharmacy.location_patients").id,
                "use_create_lots": False,
                "use_existing_lots": True,
                # Reserved when the pharmacist prepares, with lots that outlive the course.
                "reservation_method": "manual",
                "hms_is_pharmacy": True,
            }
        )

    def _hms_pharmacy_warehouse(self):
        """The clinic's warehouse, whose stock location is its pharmacy stock."""
        self.ensure_one()
        Warehouse = self.env["stock.warehouse"].sudo()
        warehouse = Warehouse.search([("company_id", "=", self.id)], limit=1)
        if not warehouse:
            code = (self.hms_clinic_code or "WH")[:5]
            warehouse = Warehouse.create({"name": self.name, "code": code, "company_id": self.id})
        return warehouse
