#!/usr/bin/env python3
"""newsdigest command line: `python build.py [build] [options]` (the same as the installed `newsdigest`)."""

import sys

from newsdigest.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
