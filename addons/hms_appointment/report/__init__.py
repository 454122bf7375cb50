from . import hms_appointment_report
