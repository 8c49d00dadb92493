import sys

from locus.cli import main

sys.exit(main())
