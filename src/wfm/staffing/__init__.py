"""staffing (layer 2)."""
