"""policykg: a knowledge graph of how companies use people's data to train AI.

Every fact is a claim with provenance: who said it, where, when, for which
jurisdiction and period, and whether it was later corrected.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
