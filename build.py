#!/usr/bin/env python3
"""newsdigest command line: `python build.py [build] [options]` (the same as the installed `newsdigest`)."""

from newsdigest.cli import console

if __name__ == "__main__":
    console()
