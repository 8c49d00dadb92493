"""Repository-wide pytest setup: no real model requests unless a test allows them."""

import os

os.environ.setdefault("LOCUS_ALLOW_MODEL_REQUESTS", "0")
