from . import hms_charge_adjust
from . import hms_claim_create
from . import hms_claim_answer
from . import desk_cash_report
