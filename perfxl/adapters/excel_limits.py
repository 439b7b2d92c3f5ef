"""Excel's fixed worksheet limits.

A module of its own that imports nothing: both the openpyxl code (sheet_rows, print_area,
the templates) and the XlsxWriter summary use them, and the summary writer is loaded by
every consolidate worker, which never needs openpyxl.
"""

MAX_ROW = 1_048_576  # the last worksheet row
MAX_STRING = 32_767  # characters in one cell
MAX_URL = 2_079  # characters in a hyperlink's target
