"""401 triage: read what the customer pasted, name the likely cause, walk the checklist.

Pure: no Slack, no database, no clock. The only network code lives in :mod:`.probe` and runs only
when a caller asks for it.
"""

from supportbot.triage.checks import CHECK_ORDER, Check, CheckId
from supportbot.triage.detect import Detection, detect_report, is_401_report
from supportbot.triage.diagnose import diagnose, pasted_base_urls

__all__ = [
    "CHECK_ORDER",
    "Check",
    "CheckId",
    "Detection",
    "detect_report",
    "diagnose",
    "is_401_report",
    "pasted_base_urls",
]
