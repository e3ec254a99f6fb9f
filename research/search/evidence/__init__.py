"""Ranking evidence as plug-ins: each signal one class (base.py states the contract; registry.py lists them)."""
