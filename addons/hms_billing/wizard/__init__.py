from . import hms_charge_adjust
