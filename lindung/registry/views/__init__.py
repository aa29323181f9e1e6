"""The worker registry pages: list and export, detail, and the registration form."""
