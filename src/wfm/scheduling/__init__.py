"""scheduling (layer 2)."""
