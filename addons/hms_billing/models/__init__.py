from . import hms_charge
from . import account_move
from . import account_move_line
from . import hms_appointment_type
from . import hms_encounter
from . import hms_patient
from . import res_company
from . import res_config_settings
