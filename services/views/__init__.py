"""Service pages: thin views that parse a form, check permission, call one action or query."""
