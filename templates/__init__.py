"""Message templates (jinja2), one folder per language; installed as `carecase_templates`."""
