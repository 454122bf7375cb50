from . import res_company
from . import res_config_settings
from . import hms_appointment_type
from . import hms_practitioner
from . import hms_appointment_history
from . import hms_appointment
from . import hms_patient
