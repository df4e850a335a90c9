"""Pages of the learning app, one module per part (manage, door, imports, coverage,
public)."""
