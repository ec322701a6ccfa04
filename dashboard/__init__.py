"""jointcare dashboard: a Dash app over the read-only warehouse."""
