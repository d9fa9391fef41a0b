"""forecast (layer 2)."""
