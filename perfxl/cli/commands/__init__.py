"""One module per ``perfxl`` sub-command; see ``perfxl.cli``."""
