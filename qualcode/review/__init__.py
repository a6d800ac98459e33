"""qualcode.review."""
