"""Find, mask and fingerprint API keys in chat text (pure: no I/O beyond the packaged rule file).

Build one :class:`Scanner` per process and share it::

    scanner = Scanner.from_settings(settings)
    for finding in scanner.find(text):
        ...  # finding.masked, finding.key_id; the key itself is never kept
"""

from supportbot.keys.masking import mask_text
from supportbot.keys.rules import Provider, Rule, RulesError, default_rules, load_rules, parse_rules, provider_info
from supportbot.keys.scanner import SUSPECT, Scanner, find_keys
from supportbot.keys.spans import Finding, ScanResult

__all__ = [
    "SUSPECT",
    "Finding",
    "Provider",
    "Rule",
    "RulesError",
    "ScanResult",
    "Scanner",
    "default_rules",
    "find_keys",
    "load_rules",
    "mask_text",
    "parse_rules",
    "provider_info",
]
