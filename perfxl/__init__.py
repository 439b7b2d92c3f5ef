"""perfxl: budget performance target forms (部门整体预算绩效目标表) made correct and one click."""

__version__ = "0.1.0"
