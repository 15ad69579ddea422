#!/usr/bin/env python
"""Django's command-line utility; `qunfang <command>` is the same thing once installed."""

import sys

from qunfang.cli import main

if __name__ == "__main__":
    sys.exit(main(["manage.py", *sys.argv[1:]]))
