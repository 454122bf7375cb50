from . import hms_break_glass_wizard
