from . import hms_appointment_booking
from . import hms_appointment_cancel
