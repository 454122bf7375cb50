from . import ir_actions_report
from . import ir_sequence
from . import res_company
from . import res_config_settings
from . import hms_specialty
from . import hms_department
from . import hms_practitioner
