"""qualcode.analysis."""
