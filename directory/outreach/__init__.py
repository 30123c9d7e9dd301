"""Acting on the directory by e-mail: writing to an entry (`contactEntry`, `contact`) and alerts
on new items (`subscribe`, `alerts`, `digests`).

Every e-mail goes out from a background task (`tasks`), after the request's transaction
commits; every link in one is signed and expires (`links`), and the pages those links open are
`views`. Moderators read the message log and the subscriptions in the admin (`admin`).
"""
