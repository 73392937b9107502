"""`python -m bench.synth`: write a synthetic KB."""

import sys

from bench.synth.generate import main

sys.exit(main())
