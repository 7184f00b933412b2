"""crisiswatch: watch a brand's mentions on X, score the risk, run the crisis playbook."""

__version__ = "0.1.0"
