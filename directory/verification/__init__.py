"""The yearly "still correct?" e-mail to each directory entry's private contact.

`manage.py send_verification_requests` (daily from cron) enqueues one background task
(`requests.send_verification_requests`), which e-mails the contact of every published entry
that is stale (directory/freshness.py) and was not asked within the same period. An entry is a
translation group: one e-mail per group, in the entry's language, about its row in that
language. Asking is recorded first (`verification_requested` on every row of the group, an
atomic claim, so two runs never ask twice) and undone if the e-mail cannot be sent.

The e-mail carries a signed link (`links`), valid for DIRECTORY_VERIFICATION_LINK_DAYS, naming
the row and the contact address it was sent to; it stops working when the entry is no longer
public or its contact changes. Its page (`views`) asks "still correct?":

- "Yes" (a POST, so mail scanners that follow links change nothing) sets `last_verified` to
  today on every row of the group, each as a published revision with a log entry "Verified by
  its contact" (`record.record_verification`): no moderation, since no content changed.
- "No, update it" opens a form pre-filled with the entry's public data. Unchanged, it counts as
  "yes"; changed, it is validated as `submitEnterprise` validates (directory/mutations.py) and
  saved as a draft revision of the entry, submitted to the moderators' workflow; the live entry
  stays as it was until a moderator publishes.
"""
