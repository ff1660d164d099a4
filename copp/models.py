"""The project composes the apps; it keeps no records of its own."""
