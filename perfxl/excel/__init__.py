"""Live-Excel code: xlwings worksheet functions (UDFs) and their metadata."""
