"""qualcode.nlp."""
