"""The web layer: one blueprint per area of work, and the extensions they share."""
