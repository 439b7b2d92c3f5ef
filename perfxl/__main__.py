import sys

from perfxl.cli import main

sys.exit(main())
