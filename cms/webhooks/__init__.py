"""Publish webhooks: endpoints registered in the admin, told of every publish, unpublish and
delete, signed as the Standard Webhooks specification says and sent by the background worker."""
