"""Readers of the formats people already have (one module per format); see ``model`` for what
a reader exposes and gives."""
