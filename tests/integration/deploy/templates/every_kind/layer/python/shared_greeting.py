"""A module shipped in the test layer."""

PUNCTUATION = "!"
