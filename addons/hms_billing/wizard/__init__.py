from . import hms_charge_adjust
from . import desk_cash_report
