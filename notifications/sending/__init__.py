"""Sending: from an uploaded spreadsheet (or one typed-in recipient) to the providers.

- ``uploads``: the uploaded file in Django's default storage, kept until processed.
- ``limits``: what today's daily limit still allows (reads).
- ``jobs``: creating, cancelling and processing jobs (one Notification per row).
- ``delivery``: handing each ``created`` notification to its provider exactly once,
  retries, and delivery receipts.
- ``one_off``: a single message through the same delivery path.
- ``sweeper``: starts scheduled jobs and resumes anything stuck.

Tasks in ``notifications.tasks`` wrap these; views in ``notifications.views.send``.
"""
