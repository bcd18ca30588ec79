"""Built-in production templates (data files, not code): see agents/template.py."""
