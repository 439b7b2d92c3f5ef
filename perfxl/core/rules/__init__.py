"""The validation rules: a registry of coded rules run over a Form (no I/O here).

``check_form(form, config)`` is the entry point; ``perfxl.adapters.checking.check_file``
reads a workbook first.
"""

from perfxl.core.rules.config import ConfigError, RuleConfig
from perfxl.core.rules.engine import check_form, locate
from perfxl.core.rules.registry import Hit, Rule, all_rules, get_rule

__all__ = ["ConfigError", "Hit", "Rule", "RuleConfig", "all_rules", "check_form", "get_rule",
           "locate"]
