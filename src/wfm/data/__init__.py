"""Data contracts, readers, writers and the sample-centre generator (layer 1)."""
