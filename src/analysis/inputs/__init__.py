"""Inputs: the reference catalogues, reading partner returns and transcribed figures, the rules
they must follow, validation of a whole edition, and the return templates."""
