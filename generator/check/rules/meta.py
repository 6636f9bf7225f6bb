"""The rules about checking itself, under the names the checker uses.

Their findings come from the checker (the parser's position; the suppression comment), not
from a check of a parsed document.
"""

from __future__ import annotations

from generator.check.rules.p01_unparsable import RULE as PARSE_RULE
from generator.check.rules.s01_suppression_reason import RULE as SUPPRESSION_RULE

__all__ = ["PARSE_RULE", "SUPPRESSION_RULE"]
